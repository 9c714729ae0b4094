using Bkmark.Core.Authorization;
using Bkmark.Core.Organisations;
using Microsoft.AspNetCore.Http;

namespace Bkmark.Core.Access;

/// <summary>
/// Authenticates a request as its route's <see cref="RoutePolicy"/> says. The functions declare each route's policy in
/// one table (Bkmark.Functions' <c>RoutePolicies</c>) and authenticate only through here, so what a route is declared
/// to need is what it checks.
/// </summary>
public sealed class PolicyAuthenticator(RequestAuthenticator authenticator, StepUp stepUp, OrganisationAccess organisations)
{
    /// <summary>The caller the policy lets in, or the problem that refuses the request.</summary>
    /// <param name="request">The request, whose credential is read.</param>
    /// <param name="policy">The route's policy.</param>
    /// <param name="organisationId">The route's <c>{orgId}</c>, for a library or manager route of an organisation.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    /// <exception cref="InvalidOperationException">The policy authenticates no caller here (anonymous, function key, publishable key).</exception>
    public async Task<Result<Caller>> AuthenticateAsync(
        HttpRequest request, RoutePolicy policy, string? organisationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var caller = policy.Access switch
        {
            RouteAccess.Session => await authenticator.AuthenticateSessionAsync(request, cancellationToken),
            RouteAccess.RecentSession => await stepUp.AuthenticateSessionAsync(request, cancellationToken),
            RouteAccess.KeyOrSession => await authenticator.AuthenticateAsync(request, cancellationToken),
            RouteAccess.KeyOrRecentSession => await stepUp.AuthenticateAsync(request, cancellationToken),
            RouteAccess.AnyCredential => await authenticator.AuthenticateCredentialAsync(request, cancellationToken),
            RouteAccess.Library => await organisations.AuthenticateLibraryAsync(request, organisationId, policy.Scopes[0], cancellationToken),
            RouteAccess.OrganisationManager => await organisations.AuthenticateManagerAsync(
                authenticator.AuthenticateSessionAsync(request, cancellationToken), Required(organisationId, policy), cancellationToken),
            RouteAccess.RecentOrganisationManager => await organisations.AuthenticateManagerAsync(
                stepUp.AuthenticateSessionAsync(request, cancellationToken), Required(organisationId, policy), cancellationToken),
            _ => throw new InvalidOperationException($"A {policy} route authenticates no caller of its own."),
        };

        foreach (var scope in policy.Access == RouteAccess.Library ? policy.Scopes.Skip(1) : policy.Scopes)
        {
            if (caller.Succeeded && !caller.Value.HasScope(scope))
            {
                return caller.Value.Refuse(Problems.ScopeRequired(scope));
            }
        }

        return caller;
    }

    /// <summary>A public read with the publishable key named in the route.</summary>
    public Task<Result<Caller>> AuthenticatePublishableKeyAsync(HttpRequest request, RoutePolicy policy, string key, CancellationToken cancellationToken) =>
        authenticator.AuthenticatePublishableKeyAsync(request, PublishableKeyOnly(policy, key), cancellationToken);

    /// <summary>The CORS preflight of a public read: allowed only for an origin of the key named in the route.</summary>
    public Task<Result<CorsPreflight>> PreflightPublishableKeyAsync(HttpRequest request, RoutePolicy policy, string key, CancellationToken cancellationToken) =>
        authenticator.PreflightPublishableKeyAsync(request, PublishableKeyOnly(policy, key), cancellationToken);

    private static string PublishableKeyOnly(RoutePolicy policy, string key)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Access == RouteAccess.PublishableKey ? key : throw new InvalidOperationException($"A {policy} route reads no publishable key.");
    }

    private static string Required(string? organisationId, RoutePolicy policy) =>
        organisationId ?? throw new InvalidOperationException($"A {policy} route needs the organisation's id from its route.");
}

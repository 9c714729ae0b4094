using Bkmark.Core.Sessions;
using Bkmark.Core.Tokens;
using Microsoft.AspNetCore.Http;

namespace Bkmark.Core.Authorization;

/// <summary>
/// The one place a request's credential is read and checked. Every protected function calls it first;
/// no host middleware is involved, so the Functions host and the local host behave the same.
/// </summary>
public sealed class RequestAuthenticator(
    AccessTokenService accessTokens, SessionService sessions, IApiKeyVerifier apiKeys, IPublishableKeyVerifier publishableKeys)
{
    public const string ApiKeyHeader = "X-API-Key";
    public const string ApiKeyPrefix = "bk_";
    public const string PublishableKeyPrefix = "bk_pub_";

    // A credential here would already be in proxy logs and browser history: refuse it, never use it.
    private static readonly string[] QueryCredentialNames = ["api_key", "key", "token", "access_token"];

    /// <summary>
    /// Any valid credential of a person: an access token or their API key. An organisation's API key acts
    /// only on its organisation's library (DESIGN §12), so it is refused here, where a person's account is acted on.
    /// </summary>
    public async Task<Result<Caller>> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = await AuthenticateCredentialAsync(request, cancellationToken);
        return caller.Succeeded && caller.Value is { CredentialType: CredentialType.ApiKey, OrganisationId: not null }
            ? caller.Value.Refuse(Problems.OrganisationKeyNotAllowed())
            : caller;
    }

    /// <summary>
    /// Any valid credential, an organisation's API key included: for the library routes (which act on
    /// <see cref="Caller.LibraryId"/>) and for <c>GET /auth/verify</c>.
    /// </summary>
    public async Task<Result<Caller>> AuthenticateCredentialAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var credential = ReadCredential(request);
        if (!credential.Succeeded)
        {
            return credential.Problem;
        }

        if (credential.Value.StartsWith(PublishableKeyPrefix, StringComparison.Ordinal))
        {
            // Refused by its kind alone, before any storage read: it is public, so it can authorise nothing here.
            return new Problem(ErrorCodes.PublishableKeyNotAllowed,
                "A publishable key (bk_pub_…) only reads public groups, at /public/{key}/groups/{id}. Use an API key or a session here.");
        }

        var client = ClientInfo.From(request);
        var caller = credential.Value.StartsWith(ApiKeyPrefix, StringComparison.Ordinal)
            ? await apiKeys.VerifyAsync(credential.Value, client, cancellationToken)
            : await AuthenticateAccessTokenAsync(credential.Value, cancellationToken);
        return caller.Succeeded ? caller.Value with { Client = client } : caller;
    }

    /// <summary>
    /// A public read with the publishable key named in the path (a preflight cannot carry a header credential, and
    /// the key is not secret): its <c>Origin</c> must be one of the key's, and the key and client address are rate limited.
    /// </summary>
    public Task<Result<Caller>> AuthenticatePublishableKeyAsync(HttpRequest request, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IsPublishableKey(key)
            ? publishableKeys.VerifyAsync(key, OriginOf(request), ClientInfo.From(request).IpAddress, cancellationToken)
            : Task.FromResult<Result<Caller>>(PublishableKeyRequired());
    }

    /// <summary>A CORS preflight for a public read: allowed only for an origin of the key named in the path.</summary>
    public Task<Result<CorsPreflight>> PreflightPublishableKeyAsync(HttpRequest request, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return IsPublishableKey(key)
            ? publishableKeys.PreflightAsync(key, OriginOf(request), cancellationToken)
            : Task.FromResult<Result<CorsPreflight>>(PublishableKeyRequired());
    }

    private static bool IsPublishableKey(string key) => key.StartsWith(PublishableKeyPrefix, StringComparison.Ordinal);

    private static Problem PublishableKeyRequired() => new(ErrorCodes.PublishableKeyRequired,
        "Public groups are read with a publishable key (bk_pub_…) in the path; read your own groups at /groups.");

    private static string? OriginOf(HttpRequest request) => request.Headers.Origin.Count == 1 ? request.Headers.Origin.ToString() : null;

    /// <summary>A credential that carries <paramref name="scope"/> (sessions carry every scope).</summary>
    public async Task<Result<Caller>> AuthenticateAsync(HttpRequest request, string scope, CancellationToken cancellationToken)
    {
        var caller = await AuthenticateAsync(request, cancellationToken);
        return caller.Succeeded && !caller.Value.HasScope(scope) ? caller.Value.Refuse(Problems.ScopeRequired(scope)) : caller;
    }

    /// <summary>A signed-in session only: account security is not for API keys.</summary>
    public async Task<Result<Caller>> AuthenticateSessionAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = await AuthenticateAsync(request, cancellationToken);
        return caller.Succeeded && !caller.Value.IsSession ? caller.Value.Refuse(Problems.ApiKeyNotAllowed()) : caller;
    }

    private async Task<Result<Caller>> AuthenticateAccessTokenAsync(string token, CancellationToken cancellationToken)
    {
        var claims = await accessTokens.ValidateAsync(token, cancellationToken);
        if (!claims.Succeeded)
        {
            return claims.Problem;
        }

        var session = await sessions.CheckActiveAsync(claims.Value.UserId, claims.Value.SessionId, cancellationToken);
        if (!session.Succeeded)
        {
            return session.Problem;
        }

        return new Caller(claims.Value.UserId, CredentialType.Session, Scopes.All, claims.Value.ExpiresAt, SessionId: claims.Value.SessionId)
        {
            // The token's own claim, not the session's: re-authenticating in one tab must not freshen a token copied earlier.
            AuthenticatedAt = claims.Value.AuthenticatedAt ?? session.Value,
            ProofMethod = claims.Value.ProofMethod,
        };
    }

    private static Result<string> ReadCredential(HttpRequest request)
    {
        foreach (var name in QueryCredentialNames)
        {
            if (request.Query.ContainsKey(name))
            {
                return Problems.CredentialsInUrl(name);
            }
        }

        var authorization = request.Headers.Authorization;
        var apiKeyHeader = request.Headers[ApiKeyHeader];
        if (authorization.Count > 1 || apiKeyHeader.Count > 1)
        {
            return Problems.Validation("Authorization", "Send one credential, once.");
        }

        string? bearer = null;
        if (authorization.Count == 1)
        {
            // DESIGN §2: another scheme (Basic, Digest, …) is no credential of ours, so it is MISSING_TOKEN
            // unless X-API-Key carries one; "Bearer" with nothing usable after it is a malformed credential.
            var value = authorization.ToString().Trim();
            var schemeEnd = value.IndexOf(' ', StringComparison.Ordinal);
            var scheme = schemeEnd < 0 ? value : value[..schemeEnd];
            if (string.Equals(scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
            {
                bearer = schemeEnd < 0 ? "" : value[(schemeEnd + 1)..].Trim();
                if (bearer.Length == 0)
                {
                    return Problems.InvalidToken("The Authorization header must be 'Bearer <token>'.");
                }
            }
        }

        var headerKey = apiKeyHeader.Count == 1 ? apiKeyHeader.ToString().Trim() : null;
        if (bearer is not null && !string.IsNullOrEmpty(headerKey) && !string.Equals(bearer, headerKey, StringComparison.Ordinal))
        {
            return Problems.Validation("Authorization", "The Authorization and X-API-Key headers carry different credentials; send one.");
        }

        var credential = bearer ?? headerKey;
        return string.IsNullOrEmpty(credential) ? Problems.MissingToken() : credential;
    }
}

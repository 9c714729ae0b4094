using Bkmark.Core.Authorization;
using Microsoft.AspNetCore.Http;

namespace Bkmark.Core.Organisations;

/// <summary>
/// Authentication for the library routes, personal (<c>/bookmarks</c>, …) and an organisation's
/// (<c>/orgs/{orgId}/bookmarks</c>, …), and for the routes an organisation's managers use. The result is a
/// <see cref="Caller"/> whose <see cref="Caller.LibraryId"/> names the library and whose scopes say what may be
/// done there, so one function body serves both routes.
/// </summary>
/// <remarks>
/// On an organisation's route a session costs its own point read plus one point read of the member's row
/// (never a query), so a removed member loses the organisation on their next request. An API key costs nothing
/// more: its credential names its organisation. A personal key never reaches an organisation's library, and an
/// organisation's key never another organisation's: both are answered as if the organisation did not exist.
/// </remarks>
public sealed class OrganisationAccess(RequestAuthenticator authenticator, OrganisationService organisations)
{
    /// <summary>A caller with <paramref name="scope"/> in the caller's library, or in the organisation's when <paramref name="organisationId"/> is given.</summary>
    public async Task<Result<Caller>> AuthenticateLibraryAsync(
        HttpRequest request, string? organisationId, string scope, CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateCredentialAsync(request, cancellationToken);
        if (caller.Succeeded && organisationId is not null)
        {
            caller = await InOrganisationAsync(caller.Value, organisationId, cancellationToken);
        }

        return caller.Succeeded && !caller.Value.HasScope(scope) ? caller.Value.Refuse(Problems.ScopeRequired(scope)) : caller;
    }

    /// <summary>
    /// The session (already authenticated by <paramref name="session"/>, with step-up where the action needs it)
    /// of an admin or owner of the organisation, acting for it.
    /// </summary>
    public async Task<Result<Caller>> AuthenticateManagerAsync(Task<Result<Caller>> session, string organisationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var caller = await session;
        if (!caller.Succeeded)
        {
            return caller;
        }

        var manager = await organisations.FindManagerAsync(organisationId, caller.Value.UserId, cancellationToken);
        return manager.Succeeded ? AsMember(caller.Value, organisationId, manager.Value.Role) : manager.Problem;
    }

    private async Task<Result<Caller>> InOrganisationAsync(Caller caller, string organisationId, CancellationToken cancellationToken)
    {
        if (!caller.IsSession)
        {
            return caller.OrganisationId == organisationId ? caller : caller.Refuse(OrganisationProblems.NotFound());
        }

        var member = await organisations.FindMemberAsync(organisationId, caller.UserId, cancellationToken);
        return member is null ? OrganisationProblems.NotFound() : AsMember(caller, organisationId, member.Role);
    }

    private static Caller AsMember(Caller session, string organisationId, string role) => session with
    {
        Scopes = OrganisationRoles.ScopesOf(role),
        LibraryId = LibraryIds.Organisation(organisationId),
        OrganisationId = organisationId,
    };
}

using Bkmark.Core.Organisations;

namespace Bkmark.Functions;

/// <summary>
/// Organisations and their members (DESIGN §12). Signed-in sessions only: membership is part of a person's
/// account. Creating and leaving an organisation, and inviting to it, are sensitive (step-up).
/// </summary>
public sealed class OrganisationFunctions(
    OrganisationService organisations, InvitationService invitations, PolicyAuthenticator routes, SecurityEventLog securityLog)
{
    [Function(nameof(CreateOrganisation))]
    public Task<IActionResult> CreateOrganisation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<CreateOrganisationRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        async (caller, body) => ApiResults.From(await organisations.CreateAsync(caller, body.Name, cancellationToken), ApiResults.Created),
        cancellationToken);

    [Function(nameof(ListOrganisations))]
    public Task<IActionResult> ListOrganisations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.Ok(new { data = await organisations.ListAsync(caller.UserId, cancellationToken) }),
        cancellationToken);

    [Function(nameof(GetOrganisation))]
    public Task<IActionResult> GetOrganisation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await organisations.GetAsync(caller, orgId, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(ListOrganisationMembers))]
    public Task<IActionResult> ListOrganisationMembers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/members")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await organisations.ListMembersAsync(caller, orgId, cancellationToken), members => ApiResults.Ok(new { data = members })),
        cancellationToken);

    [Function(nameof(ChangeOrganisationMemberRole))]
    public Task<IActionResult> ChangeOrganisationMemberRole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/orgs/{orgId}/members/{userId}")] HttpRequest request,
        string orgId,
        string userId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<ChangeRoleRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        async (caller, body) => ApiResults.From(await organisations.ChangeRoleAsync(caller, orgId, userId, body.Role, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(RemoveOrganisationMember))]
    public Task<IActionResult> RemoveOrganisationMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/orgs/{orgId}/members/{userId}")] HttpRequest request,
        string orgId,
        string userId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await organisations.RemoveAsync(caller, orgId, userId, cancellationToken), _ => ApiResults.NoContent()),
        cancellationToken);

    [Function(nameof(LeaveOrganisation))]
    public Task<IActionResult> LeaveOrganisation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/{orgId}/leave")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await organisations.LeaveAsync(caller, orgId, cancellationToken), _ => ApiResults.NoContent()),
        cancellationToken);

    [Function(nameof(InviteOrganisationMember))]
    public Task<IActionResult> InviteOrganisationMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/{orgId}/invitations")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<InviteRequest>(
        // An invitation is a way in for someone else (DESIGN §15): it takes a recent sign-in.
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        async (caller, body) => ApiResults.From(
            await invitations.InviteAsync(caller, orgId, body.Email, body.Role, cancellationToken), view => new JsonResponse(202, view)),
        cancellationToken);

    /// <summary>The organisation's pending invitations (DESIGN §15), for its admins and owners.</summary>
    [Function(nameof(ListOrganisationInvitations))]
    public Task<IActionResult> ListOrganisationInvitations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/invitations")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await invitations.ListAsync(caller, orgId, cancellationToken), pending => ApiResults.Ok(new { data = pending })),
        cancellationToken);

    /// <summary>Revokes a pending invitation: its link stops working at once.</summary>
    [Function(nameof(RevokeOrganisationInvitation))]
    public Task<IActionResult> RevokeOrganisationInvitation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/orgs/{orgId}/invitations/{invitationId}")] HttpRequest request,
        string orgId,
        string invitationId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await invitations.RevokeAsync(caller, orgId, invitationId, cancellationToken), _ => ApiResults.NoContent()),
        cancellationToken);

    /// <summary>The organisation's own security log (members, roles, keys, invitations), for its admins and owners.</summary>
    [Function(nameof(ListOrganisationSecurityEvents))]
    public Task<IActionResult> ListOrganisationSecurityEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/security-events")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken, orgId),
        async _ => ApiResults.From(
            await securityLog.ListOrganisationAsync(orgId, request.Query["cursor"], request.Query["limit"], cancellationToken), ApiResults.Ok),
        cancellationToken);

    /// <summary>The signed-in person holding the invited address joins; the token works once.</summary>
    [Function(nameof(AcceptOrganisationInvitation))]
    public Task<IActionResult> AcceptOrganisationInvitation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/invitations/accept")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<AcceptRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        async (caller, body) => ApiResults.From(await invitations.AcceptAsync(caller, body.Token, cancellationToken), ApiResults.Ok),
        cancellationToken);

    private sealed record CreateOrganisationRequest(string? Name);

    private sealed record ChangeRoleRequest(string? Role);

    private sealed record InviteRequest(string? Email, string? Role);

    private sealed record AcceptRequest(string? Token);
}

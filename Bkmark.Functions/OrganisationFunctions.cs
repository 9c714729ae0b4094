using Bkmark.Core.Organisations;

namespace Bkmark.Functions;

/// <summary>
/// Organisations and their members (DESIGN §12). Signed-in sessions only: membership is part of a person's
/// account. Creating and leaving an organisation are sensitive (step-up).
/// </summary>
public sealed class OrganisationFunctions(
    OrganisationService organisations, InvitationService invitations, RequestAuthenticator authenticator, StepUp stepUp, SecurityEventLog securityLog)
{
    [Function(nameof(CreateOrganisation))]
    public Task<IActionResult> CreateOrganisation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => stepUp.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var body = await RequestBody.ReadAsync<CreateOrganisationRequest>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        var created = await organisations.CreateAsync(caller, body.Value.Name, cancellationToken);
        if (created.Succeeded)
        {
            await securityLog.RecordAsync(request, caller, SecurityEventTypes.OrganisationCreated, cancellationToken, DetailsOf(created.Value.Id));
        }

        return ApiResults.From(created, ApiResults.Created);
    }, cancellationToken);

    [Function(nameof(ListOrganisations))]
    public Task<IActionResult> ListOrganisations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller => ApiResults.Ok(new { data = await organisations.ListAsync(caller.UserId, cancellationToken) }),
        cancellationToken);

    [Function(nameof(GetOrganisation))]
    public Task<IActionResult> GetOrganisation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller => ApiResults.From(await organisations.GetAsync(caller, orgId, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(ListOrganisationMembers))]
    public Task<IActionResult> ListOrganisationMembers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/members")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller => ApiResults.From(await organisations.ListMembersAsync(caller, orgId, cancellationToken), members => ApiResults.Ok(new { data = members })),
        cancellationToken);

    [Function(nameof(ChangeOrganisationMemberRole))]
    public Task<IActionResult> ChangeOrganisationMemberRole(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/orgs/{orgId}/members/{userId}")] HttpRequest request,
        string orgId,
        string userId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var body = await RequestBody.ReadAsync<ChangeRoleRequest>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        var changed = await organisations.ChangeRoleAsync(caller, orgId, userId, body.Value.Role, cancellationToken);
        if (changed.Succeeded)
        {
            var details = DetailsOf(orgId, userId);
            details["role"] = changed.Value.Role;
            await securityLog.RecordAsync(request, caller, SecurityEventTypes.OrganisationMemberRoleChanged, cancellationToken, details);
        }

        return ApiResults.From(changed, ApiResults.Ok);
    }, cancellationToken);

    [Function(nameof(RemoveOrganisationMember))]
    public Task<IActionResult> RemoveOrganisationMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/orgs/{orgId}/members/{userId}")] HttpRequest request,
        string orgId,
        string userId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var removed = await organisations.RemoveAsync(caller, orgId, userId, cancellationToken);
        if (removed.Succeeded)
        {
            await securityLog.RecordAsync(request, caller, SecurityEventTypes.OrganisationMemberRemoved, cancellationToken, DetailsOf(orgId, userId));
        }

        return ApiResults.From(removed, _ => ApiResults.NoContent());
    }, cancellationToken);

    [Function(nameof(LeaveOrganisation))]
    public Task<IActionResult> LeaveOrganisation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/{orgId}/leave")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => stepUp.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var left = await organisations.LeaveAsync(caller, orgId, cancellationToken);
        if (left.Succeeded)
        {
            await securityLog.RecordAsync(request, caller, SecurityEventTypes.OrganisationLeft, cancellationToken, DetailsOf(orgId));
        }

        return ApiResults.From(left, _ => ApiResults.NoContent());
    }, cancellationToken);

    [Function(nameof(InviteOrganisationMember))]
    public Task<IActionResult> InviteOrganisationMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/{orgId}/invitations")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var body = await RequestBody.ReadAsync<InviteRequest>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        var invited = await invitations.InviteAsync(caller, orgId, body.Value.Email, body.Value.Role, cancellationToken);
        if (invited.Succeeded)
        {
            var details = DetailsOf(orgId);
            details["role"] = invited.Value.Role;
            await securityLog.RecordAsync(request, caller, SecurityEventTypes.OrganisationMemberInvited, cancellationToken, details);
        }

        return ApiResults.From(invited, view => new JsonResponse(202, view));
    }, cancellationToken);

    /// <summary>The signed-in person holding the invited address joins; the token works once.</summary>
    [Function(nameof(AcceptOrganisationInvitation))]
    public Task<IActionResult> AcceptOrganisationInvitation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/invitations/accept")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var body = await RequestBody.ReadAsync<AcceptRequest>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        var joined = await invitations.AcceptAsync(caller, body.Value.Token, cancellationToken);
        if (joined.Succeeded)
        {
            await securityLog.RecordAsync(request, caller, SecurityEventTypes.OrganisationJoined, cancellationToken, DetailsOf(joined.Value.Id));
        }

        return ApiResults.From(joined, ApiResults.Ok);
    }, cancellationToken);

    private static Dictionary<string, string> DetailsOf(string organisationId, string? memberId = null)
    {
        var details = new Dictionary<string, string> { ["organisationId"] = organisationId };
        if (memberId is not null)
        {
            details["userId"] = memberId;
        }

        return details;
    }

    private sealed record CreateOrganisationRequest(string? Name);

    private sealed record ChangeRoleRequest(string? Role);

    private sealed record InviteRequest(string? Email, string? Role);

    private sealed record AcceptRequest(string? Token);
}

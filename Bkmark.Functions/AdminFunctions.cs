using Bkmark.Core.Accounts;
using Bkmark.Core.Operator;

namespace Bkmark.Functions;

/// <summary>
/// Operator endpoints: the billing system's plan changes, and what Bkmark support may do for a person (DESIGN §16).
/// Guarded by the function key (<c>x-functions-key</c>).
/// </summary>
public sealed class AdminFunctions(AccountService accounts, OperatorService support)
{
    [Function(nameof(SetUserPlan))]
    public Task<IActionResult> SetUserPlan(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "v1/admin/users/{id}/plan")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<SetPlanRequest>(
        request,
        async body => ApiResults.From(await accounts.SetPlanAsync(id, body.Plan, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(FindUser))]
    public Task<IActionResult> FindUser(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/admin/users")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        async () => ApiResults.From(await support.FindByEmailAsync(request.Query["email"], cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(LockUser))]
    public Task<IActionResult> LockUser(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/admin/users/{id}/lock")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<LockRequest>(
        request,
        async body => ApiResults.From(await support.LockAsync(id, body.Reason, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(UnlockUser))]
    public Task<IActionResult> UnlockUser(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/admin/users/{id}/unlock")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        async () => ApiResults.From(await support.UnlockAsync(id, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(SignOutUser))]
    public Task<IActionResult> SignOutUser(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/admin/users/{id}/sign-out")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        async () => ApiResults.From(await support.SignOutAsync(id, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(ResetUserTwoFactor))]
    public Task<IActionResult> ResetUserTwoFactor(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/admin/users/{id}/two-factor/reset")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        async () => ApiResults.From(await support.ResetTwoFactorAsync(id, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(ListUserSecurityEvents))]
    public Task<IActionResult> ListUserSecurityEvents(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/admin/users/{id}/security-events")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        async () => ApiResults.From(
            await support.ListSecurityEventsAsync(id, request.Query["cursor"], request.Query["limit"], cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(SetOrganisationOwner))]
    public Task<IActionResult> SetOrganisationOwner(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/admin/orgs/{id}/owner")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<OwnerRequest>(
        request,
        async body => ApiResults.From(await support.AppointOrganisationOwnerAsync(id, body.UserId, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(DiagnoseRequest))]
    public IActionResult DiagnoseRequest(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/admin/diagnostics/request")] HttpRequest request) =>
        ApiResults.Ok(RequestDiagnostics.Describe(request));

    private sealed record SetPlanRequest(string? Plan);

    private sealed record LockRequest(string? Reason);

    private sealed record OwnerRequest(string? UserId);
}

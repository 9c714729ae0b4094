using Bkmark.Core.Accounts;

namespace Bkmark.Functions;

/// <summary>Operator endpoints, for the billing system. Guarded by the function key (<c>x-functions-key</c>).</summary>
public sealed class AdminFunctions(AccountService accounts)
{
    [Function(nameof(SetUserPlan))]
    public Task<IActionResult> SetUserPlan(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "v1/admin/users/{id}/plan")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<SetPlanRequest>(
        request,
        async body => ApiResults.From(await accounts.SetPlanAsync(id, body.Plan, cancellationToken), ApiResults.Ok),
        cancellationToken);

    private sealed record SetPlanRequest(string? Plan);
}

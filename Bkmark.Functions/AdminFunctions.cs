using Bkmark.Core.Accounts;
using Bkmark.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.Functions;

/// <summary>Operator endpoints, for the billing system. Guarded by the function key (<c>x-functions-key</c>).</summary>
public sealed class AdminFunctions(AccountService accounts)
{
    [Function(nameof(SetUserPlan))]
    public Task<IActionResult> SetUserPlan(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = "v1/admin/users/{id}/plan")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(async () =>
    {
        var body = await RequestBody.ReadAsync<SetPlanRequest>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        var user = await accounts.SetPlanAsync(id, body.Value.Plan, cancellationToken);
        return ApiResults.From(user, u => ApiResults.Ok(new { id = u.Id, plan = u.Plan }));
    }, cancellationToken);

    private sealed record SetPlanRequest(string? Plan);
}

using Bkmark.Core.ApiKeys;

namespace Bkmark.Functions;

/// <summary>Settings → Billing: what the caller's plan gives and how much of it is in use.</summary>
public sealed class BillingFunctions(ApiKeyPlans keys, PolicyAuthenticator routes)
{
    [Function(nameof(GetMyPlan))]
    public Task<IActionResult> GetMyPlan(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me/plan")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        // Account-level reads are for sessions (DESIGN §15).
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await keys.GetPlanAsync(caller.UserId, cancellationToken), ApiResults.Ok),
        cancellationToken);
}

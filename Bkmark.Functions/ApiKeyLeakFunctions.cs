using Bkmark.Core.ApiKeys;

namespace Bkmark.Functions;

/// <summary>
/// Leak reports from a secret-scanning partner (GitHub's partner program posts the tokens it found in public
/// code here). Guarded by the function key (<c>x-functions-key</c>), like the other operator endpoints.
/// </summary>
public sealed class ApiKeyLeakFunctions(ApiKeyLeakReports leaks)
{
    [Function(nameof(ReportLeakedApiKeys))]
    public Task<IActionResult> ReportLeakedApiKeys(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/api-keys/leaked")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(async () =>
    {
        var body = await RequestBody.ReadArrayAsync<LeakReport>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        var verdicts = await leaks.ReportAsync(body.Value, ClientInfo.From(request), cancellationToken);
        if (!verdicts.Succeeded)
        {
            return ApiResults.Problem(verdicts.Problem);
        }

        // GitHub's partner response: token_hash and revoked, with the type echoed when one was reported.
        return ApiResults.Ok(verdicts.Value.Select(verdict => verdict.TokenType is null
            ? new Dictionary<string, object> { ["token_hash"] = verdict.TokenHash, ["revoked"] = verdict.Revoked }
            : new Dictionary<string, object> { ["token_hash"] = verdict.TokenHash, ["token_type"] = verdict.TokenType, ["revoked"] = verdict.Revoked }).ToList());
    }, cancellationToken);
}

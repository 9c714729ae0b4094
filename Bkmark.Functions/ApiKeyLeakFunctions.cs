using Bkmark.Core.ApiKeys;

namespace Bkmark.Functions;

/// <summary>
/// Leak reports from a secret-scanning partner (GitHub's partner program posts the tokens it found in public
/// code here). Guarded by the function key (<c>x-functions-key</c>), like the other operator endpoints.
/// </summary>
public sealed class ApiKeyLeakFunctions(ApiKeyLeakReports leaks, SecurityEventLog securityLog)
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

        var verdicts = await leaks.ReportAsync(body.Value, cancellationToken);
        if (!verdicts.Succeeded)
        {
            return ApiResults.Problem(verdicts.Problem);
        }

        var reporter = ClientInfo.From(request);
        foreach (var key in verdicts.Value.Select(verdict => verdict.Key).OfType<LeakedKey>())
        {
            // Where it was found, never the token: the key is named by its id and public prefix.
            await securityLog.RecordAsync(new SecurityEvent(key.UserId, SecurityEventTypes.ApiKeyLeaked, reporter, SessionId: null, new Dictionary<string, string>
            {
                ["keyId"] = key.KeyId,
                ["keyPrefix"] = key.KeyPrefix,
                ["url"] = key.Url ?? "",
                ["source"] = key.Source ?? "",
            }), cancellationToken);
        }

        // GitHub's partner response: token_hash and revoked, with the type echoed when one was reported.
        return ApiResults.Ok(verdicts.Value.Select(verdict => verdict.TokenType is null
            ? new Dictionary<string, object> { ["token_hash"] = verdict.TokenHash, ["revoked"] = verdict.Revoked }
            : new Dictionary<string, object> { ["token_hash"] = verdict.TokenHash, ["token_type"] = verdict.TokenType, ["revoked"] = verdict.Revoked }).ToList());
    }, cancellationToken);
}

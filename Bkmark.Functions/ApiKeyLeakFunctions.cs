using Bkmark.Core.ApiKeys;

namespace Bkmark.Functions;

/// <summary>
/// Leak reports from a secret-scanning partner (GitHub's partner program posts the tokens it found in public
/// code here). GitHub signs its reports and sends no function key, so the host lets every request through and
/// <see cref="LeakReporters"/> admits a valid GitHub signature or the reporters' function key (<c>x-functions-key</c>).
/// </summary>
public sealed class ApiKeyLeakFunctions(ApiKeyLeakReports leaks, LeakReporters reporters)
{
    [Function(nameof(ReportLeakedApiKeys))]
    public Task<IActionResult> ReportLeakedApiKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/api-keys/leaked")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(async () =>
    {
        var raw = await RequestBody.ReadBytesAsync(request, RequestBody.DefaultLimitBytes, cancellationToken);
        if (!raw.Succeeded)
        {
            return ApiResults.Problem(raw.Problem);
        }

        // The signature covers the raw bytes: checked before the body is parsed, so nothing unsigned is read.
        if (await reporters.CheckAsync(
            request.Headers["x-functions-key"].FirstOrDefault(),
            request.Headers["Github-Public-Key-Identifier"].FirstOrDefault(),
            request.Headers["Github-Public-Key-Signature"].FirstOrDefault(),
            raw.Value,
            cancellationToken) is { } refused)
        {
            return ApiResults.Problem(refused);
        }

        var body = RequestBody.ParseArray<LeakReport>(raw.Value);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        var verdicts = await leaks.ReportAsync(body.Value, ClientInfo.From(request), cancellationToken);
        if (!verdicts.Succeeded)
        {
            return ApiResults.Problem(verdicts.Problem);
        }

        // GitHub's feedback format: token_hash, the type echoed, and a label. true_positive means this report revoked a
        // live key; every other token (unknown, malformed, already revoked or expired) is false_positive, so a reporter
        // learns nothing about keys it did not just end.
        return ApiResults.Ok(verdicts.Value.Select(verdict => new Dictionary<string, object?>
        {
            ["token_hash"] = verdict.TokenHash,
            ["token_type"] = verdict.TokenType,
            ["label"] = verdict.Revoked ? "true_positive" : "false_positive",
        }).ToList());
    }, cancellationToken);
}

using Bkmark.Core.TwoFactor;

namespace Bkmark.Functions;

/// <summary>The current user's two-factor authentication: status, TOTP setup/enable/disable, backup codes. Session only.</summary>
public sealed class TwoFactorFunctions(TwoFactorService twoFactor, RequestAuthenticator authenticator, StepUp stepUp, SecurityEventLog securityLog)
{
    [Function(nameof(GetTwoFactor))]
    public Task<IActionResult> GetTwoFactor(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me/two-factor")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller => ApiResults.Ok(await twoFactor.GetStatusAsync(caller.UserId, cancellationToken)),
        cancellationToken);

    [Function(nameof(SetupTotp))]
    public Task<IActionResult> SetupTotp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/totp/setup")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => stepUp.AuthenticateSessionAsync(request, cancellationToken),
        async caller => ApiResults.From(await twoFactor.SetupAsync(caller, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(EnableTotp))]
    public Task<IActionResult> EnableTotp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/totp/enable")] HttpRequest request,
        CancellationToken cancellationToken) => WithCodeAsync(request, codeRequired: true, async (caller, code) =>
    {
        var enabled = await twoFactor.EnableAsync(caller.UserId, code!, cancellationToken);
        var eventType = enabled is { Succeeded: true, Value.Replaced: true } ? SecurityEventTypes.TwoFactorReplaced : SecurityEventTypes.TwoFactorEnabled;
        await securityLog.RecordIfSucceededAsync(request, caller, enabled, eventType, cancellationToken);
        return ApiResults.From(enabled, result => ApiResults.Ok(new { enabled = true, replaced = result.Replaced, backupCodes = result.BackupCodes }));
    }, cancellationToken);

    [Function(nameof(DisableTotp))]
    public Task<IActionResult> DisableTotp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/totp/disable")] HttpRequest request,
        CancellationToken cancellationToken) => WithCodeAsync(request, codeRequired: false, async (caller, code) =>
    {
        var disabled = await twoFactor.DisableAsync(caller, code, cancellationToken);
        await securityLog.RecordIfSucceededAsync(request, caller, disabled, SecurityEventTypes.TwoFactorDisabled, cancellationToken, _ => ProvedBy(code));
        return ApiResults.From(disabled, status => ApiResults.Ok(new { enabled = status.Enabled }));
    }, cancellationToken);

    [Function(nameof(RegenerateBackupCodes))]
    public Task<IActionResult> RegenerateBackupCodes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/backup-codes")] HttpRequest request,
        CancellationToken cancellationToken) => WithCodeAsync(request, codeRequired: false, async (caller, code) =>
    {
        var regenerated = await twoFactor.RegenerateBackupCodesAsync(caller, code, cancellationToken);
        await securityLog.RecordIfSucceededAsync(
            request, caller, regenerated, SecurityEventTypes.BackupCodesRegenerated, cancellationToken, _ => ProvedBy(code));
        return ApiResults.From(regenerated, codes => ApiResults.Ok(new { backupCodes = codes }));
    }, cancellationToken);

    /// <summary>
    /// The shared shape of the endpoints that take <c>{code}</c>: a recently signed-in session, then a body with a code
    /// (optional where a recent proof with a backup code or a passkey stands in for it, DESIGN §14), then the change.
    /// </summary>
    private Task<IActionResult> WithCodeAsync(
        HttpRequest request, bool codeRequired, Func<Caller, string?, Task<IActionResult>> change, CancellationToken cancellationToken) =>
        ApiEndpoint.RunAsync<CodeRequest>(
            () => stepUp.AuthenticateSessionAsync(request, cancellationToken),
            request,
            (caller, body) => codeRequired && string.IsNullOrEmpty(body.Code)
                ? Task.FromResult<IActionResult>(ApiResults.Problem(Problems.Validation("code", "The code from your authenticator app is required.")))
                : change(caller, string.IsNullOrEmpty(body.Code) ? null : body.Code),
            cancellationToken);

    /// <summary>What the security log tells about the proof: a code from the app, or the session's recent recovery proof.</summary>
    private static Dictionary<string, string> ProvedBy(string? code) => new() { ["proof"] = code is null ? "recovery" : "totp" };

    private sealed record CodeRequest(string? Code);
}

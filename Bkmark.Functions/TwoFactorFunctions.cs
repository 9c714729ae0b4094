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
        async caller =>
    {
        return ApiResults.Ok(await twoFactor.GetStatusAsync(caller.UserId, cancellationToken));
    }, cancellationToken);

    [Function(nameof(SetupTotp))]
    public Task<IActionResult> SetupTotp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/totp/setup")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => stepUp.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        return ApiResults.From(await twoFactor.SetupAsync(caller.UserId, cancellationToken), ApiResults.Ok);
    }, cancellationToken);

    [Function(nameof(EnableTotp))]
    public Task<IActionResult> EnableTotp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/totp/enable")] HttpRequest request,
        CancellationToken cancellationToken) => WithCodeAsync(request, async (caller, code) =>
    {
        var backupCodes = await twoFactor.EnableAsync(caller.UserId, code, cancellationToken);
        if (backupCodes.Succeeded)
        {
            await securityLog.RecordAsync(request, caller, SecurityEventTypes.TwoFactorEnabled, cancellationToken);
        }

        return ApiResults.From(backupCodes, codes => ApiResults.Ok(new { enabled = true, backupCodes = codes }));
    }, cancellationToken);

    [Function(nameof(DisableTotp))]
    public Task<IActionResult> DisableTotp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/totp/disable")] HttpRequest request,
        CancellationToken cancellationToken) => WithCodeAsync(request, async (caller, code) =>
    {
        var status = await twoFactor.DisableAsync(caller.UserId, code, cancellationToken);
        if (status.Succeeded)
        {
            await securityLog.RecordAsync(request, caller, SecurityEventTypes.TwoFactorDisabled, cancellationToken);
        }

        return ApiResults.From(status, s => ApiResults.Ok(new { enabled = s.Enabled }));
    }, cancellationToken);

    [Function(nameof(RegenerateBackupCodes))]
    public Task<IActionResult> RegenerateBackupCodes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/backup-codes")] HttpRequest request,
        CancellationToken cancellationToken) => WithCodeAsync(request, async (caller, code) =>
    {
        var backupCodes = await twoFactor.RegenerateBackupCodesAsync(caller.UserId, code, cancellationToken);
        if (backupCodes.Succeeded)
        {
            await securityLog.RecordAsync(request, caller, SecurityEventTypes.BackupCodesRegenerated, cancellationToken);
        }

        return ApiResults.From(backupCodes, codes => ApiResults.Ok(new { backupCodes = codes }));
    }, cancellationToken);

    /// <summary>The shared front of the endpoints that take <c>{code}</c>: a recently signed-in session, then a body with a code.</summary>
    private Task<IActionResult> WithCodeAsync(
        HttpRequest request, Func<Caller, string, Task<IActionResult>> action, CancellationToken cancellationToken) =>
        ApiEndpoint.RunAsync(
            () => stepUp.AuthenticateSessionAsync(request, cancellationToken),
            async caller =>
        {
            var body = await RequestBody.ReadAsync<CodeRequest>(request, cancellationToken);
            if (!body.Succeeded)
            {
                return ApiResults.Problem(body.Problem);
            }

            if (string.IsNullOrEmpty(body.Value.Code))
            {
                return ApiResults.Problem(Problems.Validation("code", "The code from your authenticator app is required."));
            }

            return await action(caller, body.Value.Code);
        }, cancellationToken);

    private sealed record CodeRequest(string? Code);
}

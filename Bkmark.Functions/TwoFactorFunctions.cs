using System.Runtime.CompilerServices;
using Bkmark.Core.TwoFactor;

namespace Bkmark.Functions;

/// <summary>The current user's two-factor authentication: status, TOTP setup/enable/disable, backup codes. Session only.</summary>
public sealed class TwoFactorFunctions(TwoFactorService twoFactor, PolicyAuthenticator routes)
{
    [Function(nameof(GetTwoFactor))]
    public Task<IActionResult> GetTwoFactor(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me/two-factor")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.Ok(await twoFactor.GetStatusAsync(caller.UserId, cancellationToken)),
        cancellationToken);

    [Function(nameof(SetupTotp))]
    public Task<IActionResult> SetupTotp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/totp/setup")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await twoFactor.SetupAsync(caller, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(EnableTotp))]
    public Task<IActionResult> EnableTotp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/totp/enable")] HttpRequest request,
        CancellationToken cancellationToken) => WithCodeAsync(
        request, codeRequired: true, (caller, code, token) => twoFactor.EnableAsync(caller, code!, token),
        enabled => ApiResults.Ok(new { enabled = true, replaced = enabled.Replaced, backupCodes = enabled.BackupCodes }), cancellationToken);

    [Function(nameof(DisableTotp))]
    public Task<IActionResult> DisableTotp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/totp/disable")] HttpRequest request,
        CancellationToken cancellationToken) => WithCodeAsync(
        request, codeRequired: false, twoFactor.DisableAsync,
        status => ApiResults.Ok(new { enabled = status.Enabled }), cancellationToken);

    [Function(nameof(RegenerateBackupCodes))]
    public Task<IActionResult> RegenerateBackupCodes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/backup-codes")] HttpRequest request,
        CancellationToken cancellationToken) => WithCodeAsync(
        request, codeRequired: false, twoFactor.RegenerateBackupCodesAsync,
        codes => ApiResults.Ok(new { backupCodes = codes }), cancellationToken);

    /// <summary>
    /// The shared shape of the endpoints that take <c>{code}</c>: a recently signed-in session, then a body with a code
    /// (optional where a recent proof with a backup code or a passkey stands in for it, DESIGN §14), then the change
    /// (which the service records in the security log when it is made).
    /// </summary>
    private Task<IActionResult> WithCodeAsync<T>(
        HttpRequest request, bool codeRequired, Func<Caller, string?, CancellationToken, Task<Result<T>>> change, Func<T, IActionResult> respond,
        CancellationToken cancellationToken, [CallerMemberName] string function = "") =>
        ApiEndpoint.RunAsync<CodeRequest>(
            () => routes.AuthenticateRouteAsync(request, cancellationToken, function: function),
            request,
            async (caller, body) => codeRequired && string.IsNullOrEmpty(body.Code)
                ? ApiResults.Problem(Problems.Validation("code", "The code from your authenticator app is required."))
                : ApiResults.From(await change(caller, string.IsNullOrEmpty(body.Code) ? null : body.Code, cancellationToken), respond),
            cancellationToken);

    private sealed record CodeRequest(string? Code);
}

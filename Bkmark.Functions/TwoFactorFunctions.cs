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
        async caller => ApiResults.From(await twoFactor.SetupAsync(caller.UserId, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(EnableTotp))]
    public Task<IActionResult> EnableTotp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/totp/enable")] HttpRequest request,
        CancellationToken cancellationToken) => WithCodeAsync(
        request, twoFactor.EnableAsync,
        codes => ApiResults.Ok(new { enabled = true, backupCodes = codes }), cancellationToken);

    [Function(nameof(DisableTotp))]
    public Task<IActionResult> DisableTotp(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/totp/disable")] HttpRequest request,
        CancellationToken cancellationToken) => WithCodeAsync(
        request, twoFactor.DisableAsync,
        status => ApiResults.Ok(new { enabled = status.Enabled }), cancellationToken);

    [Function(nameof(RegenerateBackupCodes))]
    public Task<IActionResult> RegenerateBackupCodes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/two-factor/backup-codes")] HttpRequest request,
        CancellationToken cancellationToken) => WithCodeAsync(
        request, twoFactor.RegenerateBackupCodesAsync,
        codes => ApiResults.Ok(new { backupCodes = codes }), cancellationToken);

    /// <summary>
    /// The shared shape of the endpoints that take <c>{code}</c>: a recently signed-in session, then a body with a
    /// code, then the change (which the service records in the security log when it is made).
    /// </summary>
    private Task<IActionResult> WithCodeAsync<T>(
        HttpRequest request, Func<Caller, string, CancellationToken, Task<Result<T>>> change, Func<T, IActionResult> respond,
        CancellationToken cancellationToken, [CallerMemberName] string function = "") =>
        ApiEndpoint.RunAsync<CodeRequest>(
            () => routes.AuthenticateRouteAsync(request, cancellationToken, function: function),
            request,
            async (caller, body) =>
        {
            if (string.IsNullOrEmpty(body.Code))
            {
                return ApiResults.Problem(Problems.Validation("code", "The code from your authenticator app is required."));
            }

            return ApiResults.From(await change(caller, body.Code, cancellationToken), respond);
        }, cancellationToken);

    private sealed record CodeRequest(string? Code);
}

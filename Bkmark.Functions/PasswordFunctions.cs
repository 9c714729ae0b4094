using Bkmark.Core.Lifecycle;
using Bkmark.Core.Passwords;

namespace Bkmark.Functions;

/// <summary>The password: rating a new one as it is typed, changing it when signed in, and resetting a forgotten one with a link sent by email.</summary>
public sealed class PasswordFunctions(PasswordService passwords, PasswordPolicy policy, PolicyAuthenticator routes)
{
    [Function(nameof(RatePasswordStrength))]
    public Task<IActionResult> RatePasswordStrength(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/password-strength")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<StrengthRequest>(request, async body =>
    {
        var verdict = await policy.MeterAsync(body.Password, body.Email, body.DisplayName, ClientInfo.From(request).IpAddress, cancellationToken);
        return ApiResults.From(verdict, ApiResults.Ok);
    }, cancellationToken);

    [Function(nameof(ChangePassword))]
    public Task<IActionResult> ChangePassword(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/password")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<ChangePasswordRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        async (caller, body) =>
    {
        var changed = await passwords.ChangeAsync(
            caller, body.CurrentPassword, body.NewPassword, DeviceCookie.Presented(request, body.DeviceToken), ClientInfo.From(request), cancellationToken);
        return ApiResults.From(changed, _ => ApiResults.NoContent());
    }, cancellationToken);

    [Function(nameof(RequestPasswordReset))]
    public Task<IActionResult> RequestPasswordReset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/password-reset")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<ResetRequest>(request, async body =>
    {
        return ApiResults.From(await passwords.RequestResetAsync(body.Email, cancellationToken), _ => ApiResults.Accepted());
    }, cancellationToken);

    [Function(nameof(CompletePasswordReset))]
    public Task<IActionResult> CompletePasswordReset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/password-reset/complete")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<CompleteResetRequest>(request, async body =>
    {
        var reset = await passwords.CompleteResetAsync(
            body.Token, body.NewPassword, body.TwoFactorCode, ClientInfo.From(request), cancellationToken);
        return ApiResults.From(reset, _ => ApiResults.NoContent());
    }, cancellationToken);

    private sealed record StrengthRequest(string? Password, string? Email, string? DisplayName);

    private sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword, string? DeviceToken);

    private sealed record ResetRequest(string? Email);

    private sealed record CompleteResetRequest(string? Token, string? NewPassword, string? TwoFactorCode);
}

using Bkmark.Core.Lifecycle;

namespace Bkmark.Functions;

/// <summary>The password: changing it when signed in, and resetting a forgotten one with a link sent by email.</summary>
public sealed class PasswordFunctions(PasswordService passwords, StepUp stepUp)
{
    [Function(nameof(ChangePassword))]
    public Task<IActionResult> ChangePassword(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/password")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => stepUp.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var body = await RequestBody.ReadAsync<ChangePasswordRequest>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        var changed = await passwords.ChangeAsync(caller, body.Value.CurrentPassword, body.Value.NewPassword, ClientInfo.From(request), cancellationToken);
        return ApiResults.From(changed, _ => ApiResults.NoContent());
    }, cancellationToken);

    [Function(nameof(RequestPasswordReset))]
    public Task<IActionResult> RequestPasswordReset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/password-reset")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(async () =>
    {
        var body = await RequestBody.ReadAsync<ResetRequest>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        return ApiResults.From(await passwords.RequestResetAsync(body.Value.Email, cancellationToken), _ => ApiResults.Accepted());
    }, cancellationToken);

    [Function(nameof(CompletePasswordReset))]
    public Task<IActionResult> CompletePasswordReset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/password-reset/complete")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(async () =>
    {
        var body = await RequestBody.ReadAsync<CompleteResetRequest>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        var reset = await passwords.CompleteResetAsync(
            body.Value.Token, body.Value.NewPassword, body.Value.TwoFactorCode, ClientInfo.From(request), cancellationToken);
        return ApiResults.From(reset, _ => ApiResults.NoContent());
    }, cancellationToken);

    private sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

    private sealed record ResetRequest(string? Email);

    private sealed record CompleteResetRequest(string? Token, string? NewPassword, string? TwoFactorCode);
}

using Bkmark.Core.Lifecycle;

namespace Bkmark.Functions;

/// <summary>The account's email address: confirming it, resending the link, moving to another address.</summary>
public sealed class EmailAddressFunctions(EmailVerificationService verification, EmailChangeService change, PolicyAuthenticator routes)
{
    [Function(nameof(VerifyEmail))]
    public Task<IActionResult> VerifyEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/email/verify")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<TokenRequest>(request, async body =>
    {
        var verified = await verification.VerifyAsync(body.Token, ClientInfo.From(request), cancellationToken);
        return ApiResults.From(verified, _ => ApiResults.Ok(new { emailVerified = true }));
    }, cancellationToken);

    [Function(nameof(ResendEmailVerification))]
    public Task<IActionResult> ResendEmailVerification(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/email/verification")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await verification.ResendAsync(caller.UserId, cancellationToken), _ => ApiResults.Accepted()),
        cancellationToken);

    [Function(nameof(ChangeEmail))]
    public Task<IActionResult> ChangeEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/email")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<ChangeEmailRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        async (caller, body) =>
    {
        var requested = await change.RequestAsync(
            caller, body.NewEmail, body.Password, DeviceCookie.Presented(request, body.DeviceToken), ClientInfo.From(request), cancellationToken);
        return ApiResults.From(requested, _ => ApiResults.Accepted());
    }, cancellationToken);

    [Function(nameof(ConfirmEmailChange))]
    public Task<IActionResult> ConfirmEmailChange(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/email/confirm-change")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<TokenRequest>(request, async body =>
    {
        return ApiResults.From(await change.ConfirmAsync(body.Token, ClientInfo.From(request), cancellationToken), ApiResults.Ok);
    }, cancellationToken);

    private sealed record TokenRequest(string? Token);

    private sealed record ChangeEmailRequest(string? NewEmail, string? Password, string? DeviceToken);
}

using Bkmark.Core.Accounts;
using Bkmark.Core.Lifecycle;

namespace Bkmark.Functions;

/// <summary>The signed-in user's profile, and deleting the account.</summary>
public sealed class MeFunctions(AccountService accounts, AccountDeletionService deletion, PolicyAuthenticator routes)
{
    [Function(nameof(GetMe))]
    public Task<IActionResult> GetMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        // Account-level reads are for sessions (DESIGN §15): a leaked narrow key must not tell whose it is.
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await accounts.GetProfileAsync(caller.UserId, cancellationToken), ApiResults.Ok),
        cancellationToken);

    /// <summary>
    /// With <c>{password}</c>, or with no password after a fresh sign-in (step-up): either proves it is the person; with
    /// two-factor on, <c>twoFactorCode</c> (a TOTP or backup code) as well.
    /// </summary>
    [Function(nameof(DeleteMe))]
    public Task<IActionResult> DeleteMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/me")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller =>
    {
        var body = await RequestBody.ReadOptionalAsync<DeleteRequest>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        var proof = new AccountDeletionProof(body.Value?.Password, body.Value?.TwoFactorCode, DeviceCookie.Presented(request, body.Value?.DeviceToken));
        var deleted = await deletion.DeleteAsync(caller, proof, ClientInfo.From(request), cancellationToken);
        return ApiResults.From(deleted, _ => ApiResults.NoContent());
    }, cancellationToken);

    private sealed record DeleteRequest(string? Password, string? TwoFactorCode, string? DeviceToken);
}

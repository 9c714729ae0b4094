using System.Text.Json;
using Bkmark.Core.SignIn;

namespace Bkmark.Functions;

/// <summary>Step-up (RFC 9470): the signed-in person proves who they are again, for a fresh <c>auth_time</c>. Session only.</summary>
public sealed class ReauthenticationFunctions(ReauthenticationService reauthentication, PolicyAuthenticator routes)
{
    [Function(nameof(Reauthenticate))]
    public Task<IActionResult> Reauthenticate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/reauthenticate")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<ReauthenticateRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        async (caller, b) =>
    {
        var usesPassword = b.Password is not null;
        var usesPasskey = b.ChallengeId is not null || b.Credential is not null;
        if (usesPassword == usesPasskey)
        {
            return ApiResults.Problem(Problems.Validation("body", "Send either {password, twoFactorCode?} or a passkey's {challengeId, credential}."));
        }

        // The refresh token is rotated: a page that keeps it in the cookie must get the successor there.
        var delivery = RefreshTokenCookie.Read(request) is null ? b.RefreshTokenDelivery : RefreshTokenCookie.CookieDelivery;
        var client = ClientInfo.From(request);
        return await TokenDelivery.SignInAsync(request, delivery, () => usesPassword
            ? reauthentication.WithPasswordAsync(caller, b.Password, b.TwoFactorCode, DeviceCookie.Presented(request, b.DeviceToken), client, cancellationToken)
            : reauthentication.WithPasskeyAsync(caller, b.ChallengeId, b.Credential, client, cancellationToken));
    }, cancellationToken);

    private sealed record ReauthenticateRequest(
        string? Password, string? TwoFactorCode, string? ChallengeId, JsonElement? Credential, string? RefreshTokenDelivery, string? DeviceToken);
}

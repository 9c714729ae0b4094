using Bkmark.Core.Lifecycle;
using Bkmark.Core.SignIn;
using Bkmark.Core.Tokens;

namespace Bkmark.Functions;

/// <summary>Registration (which emails a link that confirms the address), sign-in, token refresh, sign-out, credential introspection, public keys.</summary>
public sealed class AuthFunctions(EmailVerificationService registration, SignInService signIn, SessionService sessions, SigningKeys signingKeys, PolicyAuthenticator routes)
{
    [Function(nameof(Register))]
    public Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/register")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<RegisterRequest>(request, async body =>
    {
        var user = await registration.RegisterAsync(body.Email, body.Password, body.DisplayName, cancellationToken);
        return ApiResults.From(user, ApiResults.Created);
    }, cancellationToken);

    [Function(nameof(Login))]
    public Task<IActionResult> Login(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/login")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<LoginRequest>(request, async body =>
    {
        var attempt = new PasswordSignIn(
            body.Email, body.Password, body.TwoFactorCode, DeviceCookie.Presented(request, body.DeviceToken));
        return await TokenDelivery.SignInAsync(request, body.RefreshTokenDelivery,
            () => signIn.SignInWithPasswordAsync(attempt, ClientInfo.From(request), cancellationToken));
    }, cancellationToken);

    [Function(nameof(LoginWithSecurityKey))]
    public Task<IActionResult> LoginWithSecurityKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/login/webauthn")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<SecurityKeyLoginRequest>(request, async body =>
    {
        var deviceToken = DeviceCookie.Presented(request, body.DeviceToken);
        return await TokenDelivery.SignInAsync(request, body.RefreshTokenDelivery,
            () => signIn.SignInWithSecurityKeyAsync(body.ChallengeId, body.Credential, deviceToken, ClientInfo.From(request), cancellationToken));
    }, cancellationToken);

    [Function(nameof(Refresh))]
    public Task<IActionResult> Refresh(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/refresh")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<RefreshRequest>(request, async body =>
    {
        var presented = RefreshTokenCookie.ReadPresented(request, body.RefreshToken);
        if (!presented.Succeeded)
        {
            return ApiResults.Problem(presented.Problem);
        }

        // A failed refresh leaves the cookie alone: when two tabs refresh at once, the loser's answer may land
        // after the winner's, and clearing the cookie then would throw away the one working refresh token (§7).
        var tokens = await signIn.RefreshAsync(presented.Value.Token, cancellationToken);
        return ApiResults.From(tokens, t => TokenDelivery.Respond(request, t, presented.Value.FromCookie));
    }, cancellationToken);

    [Function(nameof(Logout))]
    public Task<IActionResult> Logout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/logout")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller =>
    {
        // NOT_FOUND means a concurrent request already ended this session: signed out all the same.
        if ((await sessions.RevokeAsync(caller.UserId, caller.SessionId!, "logout", cancellationToken)).Problem is { Code: ErrorCodes.Conflict } conflict)
        {
            return ApiResults.Problem(conflict);
        }

        var response = ApiResults.NoContent();
        return RefreshTokenCookie.Read(request) is null ? response : response.WithCookie(RefreshTokenCookie.Clear(request));
    }, cancellationToken);

    [Function(nameof(Verify))]
    public Task<IActionResult> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/auth/verify")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        c => ApiResults.Ok(new VerifyView(
            true,
            c.IsSession ? "session" : "api_key",
            c.UserId,
            c.Scopes,
            c.ExpiresAt,
            c.KeyId,
            c.SessionId,
            c.OrganisationId)),
        cancellationToken);

    [Function(nameof(Jwks))]
    public IActionResult Jwks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/auth/jwks")] HttpRequest request) =>
        new JsonResponse(200, signingKeys.Jwks, "application/jwk-set+json");

    private sealed record RegisterRequest(string? Email, string? Password, string? DisplayName);

    private sealed record LoginRequest(string? Email, string? Password, string? TwoFactorCode, string? DeviceToken, string? RefreshTokenDelivery);

    private sealed record SecurityKeyLoginRequest(
        string? ChallengeId, System.Text.Json.JsonElement? Credential, string? DeviceToken, string? RefreshTokenDelivery);

    private sealed record RefreshRequest(string? RefreshToken);


    private sealed record VerifyView(
        bool Valid,
        string CredentialType,
        string UserId,
        IReadOnlyCollection<string> Scopes,
        DateTimeOffset? ExpiresAt,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? KeyId,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? SessionId,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? OrganisationId);
}

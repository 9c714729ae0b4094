using System.Text.Json;
using Bkmark.Core.Passkeys;
using Bkmark.Core.SignIn;

namespace Bkmark.Functions;

/// <summary>Passkeys: registering and managing them (signed-in session only), and signing in with one.</summary>
public sealed class PasskeyFunctions(PasskeyService passkeys, SignInService signIn, PolicyAuthenticator routes)
{
    [Function(nameof(BeginPasskeyRegistration))]
    public Task<IActionResult> BeginPasskeyRegistration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/passkeys/options")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller =>
    {
        // No body (or no purpose): a passkey, as before purposes existed.
        var body = await RequestBody.ReadOptionalAsync<RegistrationOptionsRequest>(request, cancellationToken);
        return body.Succeeded
            ? ApiResults.From(await passkeys.BeginRegistrationAsync(caller.UserId, body.Value?.Purpose, cancellationToken), ApiResults.Ok)
            : ApiResults.Problem(body.Problem);
    }, cancellationToken);

    [Function(nameof(RegisterPasskey))]
    public Task<IActionResult> RegisterPasskey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/passkeys")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<RegisterPasskeyRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        async (caller, body) => ApiResults.From(
            await passkeys.RegisterAsync(caller, body.ChallengeId, body.Credential, body.Name, cancellationToken), ApiResults.Created),
        cancellationToken);

    [Function(nameof(ListPasskeys))]
    public Task<IActionResult> ListPasskeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me/passkeys")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.Ok(new { data = await passkeys.ListAsync(caller.UserId, cancellationToken) }),
        cancellationToken);

    [Function(nameof(RenamePasskey))]
    public Task<IActionResult> RenamePasskey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/me/passkeys/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<RenamePasskeyRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        async (caller, body) => ApiResults.From(await passkeys.RenameAsync(caller, id, body.Name, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(DeletePasskey))]
    public Task<IActionResult> DeletePasskey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/me/passkeys/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await passkeys.DeleteAsync(caller, id, cancellationToken), _ => ApiResults.NoContent()),
        cancellationToken);

    [Function(nameof(BeginPasskeySignIn))]
    public Task<IActionResult> BeginPasskeySignIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/passkeys/options")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(async () =>
        ApiResults.Ok(await passkeys.BeginSignInAsync(cancellationToken)), cancellationToken);

    [Function(nameof(PasskeySignIn))]
    public Task<IActionResult> PasskeySignIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/passkeys/login")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<PasskeySignInRequest>(
        request,
        body => TokenDelivery.SignInAsync(request, body.RefreshTokenDelivery,
            () => signIn.SignInWithPasskeyAsync(body.ChallengeId, body.Credential, ClientInfo.From(request), cancellationToken)),
        cancellationToken);

    private sealed record RegistrationOptionsRequest(string? Purpose);

    private sealed record RegisterPasskeyRequest(string? ChallengeId, JsonElement? Credential, string? Name);

    private sealed record RenamePasskeyRequest(string? Name);

    private sealed record PasskeySignInRequest(string? ChallengeId, JsonElement? Credential, string? RefreshTokenDelivery);
}

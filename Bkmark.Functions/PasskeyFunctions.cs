using System.Text.Json;
using Bkmark.Core.Passkeys;
using Bkmark.Core.SignIn;

namespace Bkmark.Functions;

/// <summary>Passkeys: registering and managing them (signed-in session only), and signing in with one.</summary>
public sealed class PasskeyFunctions(
    PasskeyService passkeys, SignInService signIn, RequestAuthenticator authenticator, StepUp stepUp, SecurityEventLog securityLog)
{
    [Function(nameof(BeginPasskeyRegistration))]
    public Task<IActionResult> BeginPasskeyRegistration(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/passkeys/options")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => stepUp.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        return ApiResults.From(await passkeys.BeginRegistrationAsync(caller.UserId, cancellationToken), ApiResults.Ok);
    }, cancellationToken);

    [Function(nameof(RegisterPasskey))]
    public Task<IActionResult> RegisterPasskey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/passkeys")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => stepUp.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var body = await RequestBody.ReadAsync<RegisterPasskeyRequest>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        var passkey = await passkeys.RegisterAsync(
            caller.UserId, body.Value.ChallengeId, body.Value.Credential, body.Value.Name, ClientInfo.From(request).UserAgent, cancellationToken);
        if (passkey.Succeeded)
        {
            await securityLog.RecordAsync(request, caller, SecurityEventTypes.PasskeyAdded, cancellationToken, DetailsOf(passkey.Value));
        }

        return ApiResults.From(passkey, ApiResults.Created);
    }, cancellationToken);

    [Function(nameof(ListPasskeys))]
    public Task<IActionResult> ListPasskeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me/passkeys")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        return ApiResults.Ok(new { data = await passkeys.ListAsync(caller.UserId, cancellationToken) });
    }, cancellationToken);

    [Function(nameof(RenamePasskey))]
    public Task<IActionResult> RenamePasskey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/me/passkeys/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => stepUp.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var body = await RequestBody.ReadAsync<RenamePasskeyRequest>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        var passkey = await passkeys.RenameAsync(caller.UserId, id, body.Value.Name, cancellationToken);
        if (passkey.Succeeded)
        {
            await securityLog.RecordAsync(request, caller, SecurityEventTypes.PasskeyRenamed, cancellationToken, DetailsOf(passkey.Value));
        }

        return ApiResults.From(passkey, ApiResults.Ok);
    }, cancellationToken);

    [Function(nameof(DeletePasskey))]
    public Task<IActionResult> DeletePasskey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/me/passkeys/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => stepUp.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var deleted = await passkeys.DeleteAsync(caller.UserId, id, cancellationToken);
        if (deleted.Succeeded)
        {
            await securityLog.RecordAsync(
                request, caller, SecurityEventTypes.PasskeyRemoved, cancellationToken, new Dictionary<string, string> { ["passkeyId"] = id });
        }

        return ApiResults.From(deleted, _ => ApiResults.NoContent());
    }, cancellationToken);

    [Function(nameof(BeginPasskeySignIn))]
    public Task<IActionResult> BeginPasskeySignIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/passkeys/options")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(async () =>
        ApiResults.Ok(await passkeys.BeginSignInAsync(cancellationToken)), cancellationToken);

    [Function(nameof(PasskeySignIn))]
    public Task<IActionResult> PasskeySignIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/passkeys/login")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(async () =>
    {
        var body = await RequestBody.ReadAsync<PasskeySignInRequest>(request, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        return await TokenDelivery.SignInAsync(request, body.Value.RefreshTokenDelivery,
            () => signIn.SignInWithPasskeyAsync(body.Value.ChallengeId, body.Value.Credential, ClientInfo.From(request), cancellationToken));
    }, cancellationToken);

    private static Dictionary<string, string> DetailsOf(PasskeyView passkey) => new() { ["passkeyId"] = passkey.Id, ["name"] = passkey.Name };

    private sealed record RegisterPasskeyRequest(string? ChallengeId, JsonElement? Credential, string? Name);

    private sealed record RenamePasskeyRequest(string? Name);

    private sealed record PasskeySignInRequest(string? ChallengeId, JsonElement? Credential, string? RefreshTokenDelivery);
}

using Bkmark.Core.Library.Sandbox;

namespace Bkmark.Functions;

/// <summary>The sandbox test keys act on. Emptying it deletes for good, so a key needs the <c>destructive</c> scope.</summary>
public sealed class SandboxFunctions(SandboxService sandbox, PolicyAuthenticator routes)
{
    [Function(nameof(ResetSandbox))]
    public Task<IActionResult> ResetSandbox(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/sandbox/reset")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await sandbox.ResetAsync(caller, cancellationToken), _ => ApiResults.NoContent()),
        cancellationToken);

    /// <summary>An organisation's sandbox, where its test keys act (DESIGN §15): for its test keys and its admins' and owners' sessions.</summary>
    [Function(nameof(ResetOrganisationSandbox))]
    public Task<IActionResult> ResetOrganisationSandbox(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/{orgId}/sandbox/reset")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken, orgId),
        async caller => ApiResults.From(await sandbox.ResetAsync(caller, cancellationToken), _ => ApiResults.NoContent()),
        cancellationToken);
}

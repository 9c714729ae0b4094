using Bkmark.Core.Sandbox;

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
}

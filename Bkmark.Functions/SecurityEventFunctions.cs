namespace Bkmark.Functions;

/// <summary>The account's security activity, newest first. Session only.</summary>
public sealed class SecurityEventFunctions(SecurityEventLog securityLog, PolicyAuthenticator routes)
{
    [Function(nameof(ListSecurityEvents))]
    public Task<IActionResult> ListSecurityEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me/security-events")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller =>
    {
        var page = await securityLog.ListAsync(caller.UserId, request.Query["cursor"], request.Query["limit"], cancellationToken);
        return ApiResults.From(page, ApiResults.Ok);
    }, cancellationToken);
}

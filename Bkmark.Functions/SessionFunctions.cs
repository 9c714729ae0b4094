namespace Bkmark.Functions;

/// <summary>The signed-in devices of the current user: list, revoke one, revoke all others.</summary>
public sealed class SessionFunctions(SessionService sessions, PolicyAuthenticator routes)
{
    [Function(nameof(ListSessions))]
    public Task<IActionResult> ListSessions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me/sessions")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.Ok(new { data = await sessions.ListActiveAsync(caller.UserId, caller.SessionId, cancellationToken) }),
        cancellationToken);

    [Function(nameof(RevokeSession))]
    public Task<IActionResult> RevokeSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/me/sessions/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await sessions.RevokeAsync(caller, id, cancellationToken), _ => ApiResults.NoContent()),
        cancellationToken);

    [Function(nameof(RevokeOtherSessions))]
    public Task<IActionResult> RevokeOtherSessions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/sessions/revoke-others")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await sessions.RevokeOthersAsync(caller, cancellationToken), count => ApiResults.Ok(new { revoked = count })),
        cancellationToken);
}

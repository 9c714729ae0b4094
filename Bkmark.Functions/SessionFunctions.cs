namespace Bkmark.Functions;

/// <summary>The signed-in devices of the current user: list, revoke one, revoke all others.</summary>
public sealed class SessionFunctions(SessionService sessions, RequestAuthenticator authenticator, SecurityEventLog securityLog)
{
    [Function(nameof(ListSessions))]
    public Task<IActionResult> ListSessions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me/sessions")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller => ApiResults.Ok(new { data = await sessions.ListActiveAsync(caller.UserId, caller.SessionId, cancellationToken) }),
        cancellationToken);

    [Function(nameof(RevokeSession))]
    public Task<IActionResult> RevokeSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/me/sessions/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var revoked = await sessions.RevokeAsync(caller.UserId, id, "revoked-by-user", cancellationToken);
        await securityLog.RecordIfSucceededAsync(
            request, caller, revoked, SecurityEventTypes.SessionRevoked, cancellationToken, _ => new Dictionary<string, string> { ["revokedSessionId"] = id });
        return ApiResults.From(revoked, _ => ApiResults.NoContent());
    }, cancellationToken);

    [Function(nameof(RevokeOtherSessions))]
    public Task<IActionResult> RevokeOtherSessions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/sessions/revoke-others")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var revoked = await sessions.RevokeOthersAsync(caller.UserId, caller.SessionId!, cancellationToken);
        await securityLog.RecordIfSucceededAsync(
            request, caller, revoked, SecurityEventTypes.SessionsRevokedOthers, cancellationToken,
            count => new Dictionary<string, string> { ["revoked"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return ApiResults.From(revoked, count => ApiResults.Ok(new { revoked = count }));
    }, cancellationToken);
}

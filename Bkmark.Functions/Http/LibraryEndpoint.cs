namespace Bkmark.Functions.Http;

/// <summary>
/// The front of every library route, the caller's own and its <c>/orgs/{orgId}/</c> twin alike: the authentication
/// (the route's <see cref="RoutePolicies"/> entry) decides which library the body acts on (<see cref="Caller.LibraryId"/>),
/// so one body serves both routes.
/// </summary>
public static class LibraryEndpoint
{
    /// <summary>Authenticates as <paramref name="function"/>'s policy says, on the caller's library or on organisation <paramref name="orgId"/>'s when given.</summary>
    public static Task<IActionResult> RunAsync(
        PolicyAuthenticator routes, HttpRequest request, string? orgId, string function, Func<Caller, Task<IActionResult>> body,
        CancellationToken cancellationToken) =>
        ApiEndpoint.RunAsync(() => routes.AuthenticateRouteAsync(request, cancellationToken, orgId, function), body, cancellationToken);

    /// <inheritdoc cref="RunAsync(PolicyAuthenticator, HttpRequest, string?, string, Func{Caller, Task{IActionResult}}, CancellationToken)"/>
    public static Task<IActionResult> RunAsync<TRequest>(
        PolicyAuthenticator routes, HttpRequest request, string? orgId, string function, Func<Caller, TRequest, Task<IActionResult>> body,
        CancellationToken cancellationToken)
        where TRequest : class =>
        ApiEndpoint.RunAsync(() => routes.AuthenticateRouteAsync(request, cancellationToken, orgId, function), request, body, cancellationToken);
}

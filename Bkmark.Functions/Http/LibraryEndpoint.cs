using Bkmark.Core.Organisations;

namespace Bkmark.Functions.Http;

/// <summary>
/// The front of every library route, the caller's own and its <c>/orgs/{orgId}/</c> twin alike: the authentication
/// decides which library the body acts on (<see cref="Caller.LibraryId"/>), so one body serves both routes.
/// </summary>
public static class LibraryEndpoint
{
    /// <summary>Authenticates for <paramref name="scope"/> on the caller's library, or on organisation <paramref name="orgId"/>'s when given.</summary>
    public static Task<IActionResult> RunAsync(
        OrganisationAccess access, HttpRequest request, string? orgId, string scope, Func<Caller, Task<IActionResult>> body,
        CancellationToken cancellationToken) =>
        ApiEndpoint.RunAsync(() => access.AuthenticateLibraryAsync(request, orgId, scope, cancellationToken), body, cancellationToken);

    /// <inheritdoc cref="RunAsync(OrganisationAccess, HttpRequest, string?, string, Func{Caller, Task{IActionResult}}, CancellationToken)"/>
    public static Task<IActionResult> RunAsync<TRequest>(
        OrganisationAccess access, HttpRequest request, string? orgId, string scope, Func<Caller, TRequest, Task<IActionResult>> body,
        CancellationToken cancellationToken)
        where TRequest : class =>
        ApiEndpoint.RunAsync(() => access.AuthenticateLibraryAsync(request, orgId, scope, cancellationToken), request, body, cancellationToken);
}

using System.Runtime.CompilerServices;
using Bkmark.Core.PublishableKeys;

namespace Bkmark.Functions;

/// <summary>
/// Public groups, read from web pages with a publishable key named in the path. Each read route has its own
/// OPTIONS function for the CORS preflight: neither host answers OPTIONS for a route that does not declare it.
/// </summary>
public sealed class PublicGroupFunctions(PublicGroupService publicGroups, PolicyAuthenticator routes)
{
    private const string GroupRoute = "v1/public/{key}/groups/{id}";
    private const string BookmarksRoute = "v1/public/{key}/groups/{id}/bookmarks";

    [Function(nameof(GetPublicGroup))]
    public Task<IActionResult> GetPublicGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = GroupRoute)] HttpRequest request,
        string key,
        string id,
        CancellationToken cancellationToken) => ReadAsync(
        request, key, async caller => ApiResults.From(await publicGroups.GetGroupAsync(caller, id, cancellationToken), ApiResults.Ok), cancellationToken);

    [Function(nameof(PreflightPublicGroup))]
    public Task<IActionResult> PreflightPublicGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", Route = GroupRoute)] HttpRequest request,
        string key,
        string id,
        CancellationToken cancellationToken) => PreflightAsync(request, key, cancellationToken);

    [Function(nameof(ListPublicGroupBookmarks))]
    public Task<IActionResult> ListPublicGroupBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = BookmarksRoute)] HttpRequest request,
        string key,
        string id,
        CancellationToken cancellationToken) => ReadAsync(
        request, key, async caller => ApiResults.From(
            await publicGroups.ListBookmarksAsync(caller, id, request.Query["limit"], request.Query["cursor"], cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(PreflightPublicGroupBookmarks))]
    public Task<IActionResult> PreflightPublicGroupBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "options", Route = BookmarksRoute)] HttpRequest request,
        string key,
        string id,
        CancellationToken cancellationToken) => PreflightAsync(request, key, cancellationToken);

    /// <summary>A read with the publishable key in the path: the key, the origin and the rate window are checked before the group is read.</summary>
    private Task<IActionResult> ReadAsync(
        HttpRequest request, string key, Func<Caller, Task<IActionResult>> read, CancellationToken cancellationToken, [CallerMemberName] string function = "") =>
        ApiEndpoint.RunAsync(() => routes.AuthenticatePublishableKeyAsync(request, RoutePolicies.Of(function), key, cancellationToken), read, cancellationToken);

    private Task<IActionResult> PreflightAsync(HttpRequest request, string key, CancellationToken cancellationToken, [CallerMemberName] string function = "") =>
        ApiEndpoint.RunAsync(async () => ApiResults.From(
            await routes.PreflightPublishableKeyAsync(request, RoutePolicies.Of(function), key, cancellationToken),
            preflight => preflight.Headers.Aggregate(ApiResults.NoContent(), (response, header) => response.WithHeader(header.Key, header.Value))),
        cancellationToken);
}

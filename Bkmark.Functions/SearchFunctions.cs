using System.Runtime.CompilerServices;
using Bkmark.Core.Library.Search;

namespace Bkmark.Functions;

/// <summary>Ranked search over the caller's bookmarks, or (under <c>/orgs/{orgId}/</c>) an organisation's.</summary>
public sealed class SearchFunctions(SearchService search, PolicyAuthenticator routes)
{
    [Function(nameof(SearchBookmarks))]
    public Task<IActionResult> SearchBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/search")] HttpRequest request,
        CancellationToken cancellationToken) => SearchAsync(request, null, cancellationToken);

    [Function(nameof(SearchOrganisationBookmarks))]
    public Task<IActionResult> SearchOrganisationBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/search")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => SearchAsync(request, orgId, cancellationToken);

    private Task<IActionResult> SearchAsync(HttpRequest request, string? orgId, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function,
        async caller => ApiResults.From(
            await search.SearchAsync(caller.LibraryId, request.Query["q"], request.Query["limit"], request.Query["cursor"], cancellationToken), ApiResults.Ok),
        cancellationToken);
}

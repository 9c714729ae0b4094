using Bkmark.Core.Authorization;
using Bkmark.Core.Search;
using Bkmark.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.Functions;

/// <summary>Ranked search over the caller's bookmarks.</summary>
public sealed class SearchFunctions(SearchService search, RequestAuthenticator authenticator)
{
    [Function(nameof(SearchBookmarks))]
    public Task<IActionResult> SearchBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/search")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.SearchRead, cancellationToken),
        async caller =>
    {
        var results = await search.SearchAsync(caller.LibraryId, request.Query["q"], request.Query["limit"], request.Query["cursor"], cancellationToken);
        return ApiResults.From(results, ApiResults.Ok);
    }, cancellationToken);
}

using Bkmark.Core.Authorization;
using Bkmark.Core.Bookmarks;
using Bkmark.Core.Errors;
using Bkmark.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.Functions;

/// <summary>Bookmarks and the trash. Deleting for good needs the opt-in <c>destructive</c> scope as well.</summary>
public sealed class BookmarkFunctions(BookmarkService bookmarks, RequestAuthenticator authenticator)
{
    [Function(nameof(ListBookmarks))]
    public Task<IActionResult> ListBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/bookmarks")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.BookmarksRead, cancellationToken),
        async caller =>
    {
        var query = new BookmarkQuery(request.Query["limit"], request.Query["cursor"], request.Query["tag"], request.Query["groupId"]);
        return ApiResults.From(await bookmarks.ListAsync(caller.LibraryId, query, cancellationToken), ApiResults.Ok);
    }, cancellationToken);

    [Function(nameof(CreateBookmark))]
    public Task<IActionResult> CreateBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/bookmarks")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.BookmarksWrite, cancellationToken),
        async caller =>
    {
        var input = await RequestBody.ReadAsync<BookmarkInput>(request, cancellationToken);
        if (!input.Succeeded)
        {
            return ApiResults.Problem(input.Problem);
        }

        return ApiResults.From(await bookmarks.CreateAsync(caller.LibraryId, input.Value, cancellationToken), ApiResults.Created);
    }, cancellationToken);

    [Function(nameof(GetBookmark))]
    public Task<IActionResult> GetBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/bookmarks/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.BookmarksRead, cancellationToken),
        async caller =>
    {
        return ApiResults.From(await bookmarks.GetAsync(caller.LibraryId, id, cancellationToken), ApiResults.Ok);
    }, cancellationToken);

    [Function(nameof(UpdateBookmark))]
    public Task<IActionResult> UpdateBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/bookmarks/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.BookmarksWrite, cancellationToken),
        async caller =>
    {
        var patch = await RequestBody.ReadAsync<BookmarkPatch>(request, cancellationToken);
        if (!patch.Succeeded)
        {
            return ApiResults.Problem(patch.Problem);
        }

        return ApiResults.From(await bookmarks.UpdateAsync(caller.LibraryId, id, patch.Value, cancellationToken), ApiResults.Ok);
    }, cancellationToken);

    /// <summary>Moves to the trash; with <c>?permanent=true</c> (and the <c>destructive</c> scope) deletes for good.</summary>
    [Function(nameof(DeleteBookmark))]
    public Task<IActionResult> DeleteBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/bookmarks/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var permanent = request.Query["permanent"].ToString();
        if (permanent is not ("" or "true" or "false"))
        {
            return Task.FromResult<IActionResult>(ApiResults.Problem(Problems.Validation("permanent", "permanent must be true or false.")));
        }

        return permanent == "true"
            ? ApiEndpoint.RunAsync(
                () => AuthenticateDestructiveAsync(request, cancellationToken),
                async caller => ApiResults.From(await bookmarks.DeletePermanentlyAsync(caller.LibraryId, id, cancellationToken), _ => ApiResults.NoContent()),
                cancellationToken)
            : ApiEndpoint.RunAsync(
                () => authenticator.AuthenticateAsync(request, Scopes.BookmarksWrite, cancellationToken),
                async caller => ApiResults.From(await bookmarks.TrashAsync(caller.LibraryId, id, cancellationToken), _ => ApiResults.NoContent()),
                cancellationToken);
    }

    [Function(nameof(RestoreBookmark))]
    public Task<IActionResult> RestoreBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/bookmarks/{id}/restore")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.BookmarksWrite, cancellationToken),
        async caller =>
    {
        return ApiResults.From(await bookmarks.RestoreAsync(caller.LibraryId, id, cancellationToken), ApiResults.Ok);
    }, cancellationToken);

    [Function(nameof(ListTrash))]
    public Task<IActionResult> ListTrash(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/trash")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.BookmarksRead, cancellationToken),
        async caller =>
    {
        var page = await bookmarks.ListTrashAsync(caller.LibraryId, request.Query["limit"], request.Query["cursor"], cancellationToken);
        return ApiResults.From(page, ApiResults.Ok);
    }, cancellationToken);

    [Function(nameof(EmptyTrash))]
    public Task<IActionResult> EmptyTrash(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/trash/empty")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => AuthenticateDestructiveAsync(request, cancellationToken),
        async caller => ApiResults.Ok(new { deleted = await bookmarks.EmptyTrashAsync(caller.LibraryId, cancellationToken) }),
        cancellationToken);

    /// <summary>Deleting for good needs <c>bookmarks:write</c> and the opt-in <c>destructive</c>, which write never implies.</summary>
    private async Task<Result<Caller>> AuthenticateDestructiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request, Scopes.BookmarksWrite, cancellationToken);
        return caller.Succeeded && !caller.Value.HasScope(Scopes.Destructive) ? caller.Value.Refuse(Problems.ScopeRequired(Scopes.Destructive)) : caller;
    }
}

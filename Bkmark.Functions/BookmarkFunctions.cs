using System.Runtime.CompilerServices;
using Bkmark.Core.Library.Bookmarks;

namespace Bkmark.Functions;

/// <summary>
/// Bookmarks and the trash, of the caller's library and (under <c>/orgs/{orgId}/</c>) of an organisation's: each
/// pair of routes shares one body, which acts on the library the authentication names. Deleting for good needs
/// the opt-in <c>destructive</c> scope as well.
/// </summary>
public sealed class BookmarkFunctions(BookmarkService bookmarks, PolicyAuthenticator routes)
{
    [Function(nameof(ListBookmarks))]
    public Task<IActionResult> ListBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/bookmarks")] HttpRequest request,
        CancellationToken cancellationToken) => ListAsync(request, null, cancellationToken);

    [Function(nameof(ListOrganisationBookmarks))]
    public Task<IActionResult> ListOrganisationBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/bookmarks")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ListAsync(request, orgId, cancellationToken);

    [Function(nameof(CreateBookmark))]
    public Task<IActionResult> CreateBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/bookmarks")] HttpRequest request,
        CancellationToken cancellationToken) => CreateAsync(request, null, cancellationToken);

    [Function(nameof(CreateOrganisationBookmark))]
    public Task<IActionResult> CreateOrganisationBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/{orgId}/bookmarks")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => CreateAsync(request, orgId, cancellationToken);

    [Function(nameof(GetBookmark))]
    public Task<IActionResult> GetBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/bookmarks/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => GetAsync(request, null, id, cancellationToken);

    [Function(nameof(GetOrganisationBookmark))]
    public Task<IActionResult> GetOrganisationBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/bookmarks/{id}")] HttpRequest request,
        string orgId,
        string id,
        CancellationToken cancellationToken) => GetAsync(request, orgId, id, cancellationToken);

    [Function(nameof(UpdateBookmark))]
    public Task<IActionResult> UpdateBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/bookmarks/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => UpdateAsync(request, null, id, cancellationToken);

    [Function(nameof(UpdateOrganisationBookmark))]
    public Task<IActionResult> UpdateOrganisationBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/orgs/{orgId}/bookmarks/{id}")] HttpRequest request,
        string orgId,
        string id,
        CancellationToken cancellationToken) => UpdateAsync(request, orgId, id, cancellationToken);

    /// <summary>Moves to the trash; with <c>?permanent=true</c> (and the <c>destructive</c> scope) deletes for good.</summary>
    [Function(nameof(DeleteBookmark))]
    public Task<IActionResult> DeleteBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/bookmarks/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => DeleteAsync(request, null, id, cancellationToken);

    [Function(nameof(DeleteOrganisationBookmark))]
    public Task<IActionResult> DeleteOrganisationBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/orgs/{orgId}/bookmarks/{id}")] HttpRequest request,
        string orgId,
        string id,
        CancellationToken cancellationToken) => DeleteAsync(request, orgId, id, cancellationToken);

    [Function(nameof(RestoreBookmark))]
    public Task<IActionResult> RestoreBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/bookmarks/{id}/restore")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => RestoreAsync(request, null, id, cancellationToken);

    [Function(nameof(RestoreOrganisationBookmark))]
    public Task<IActionResult> RestoreOrganisationBookmark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/{orgId}/bookmarks/{id}/restore")] HttpRequest request,
        string orgId,
        string id,
        CancellationToken cancellationToken) => RestoreAsync(request, orgId, id, cancellationToken);

    [Function(nameof(ListTrash))]
    public Task<IActionResult> ListTrash(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/trash")] HttpRequest request,
        CancellationToken cancellationToken) => ListTrashAsync(request, null, cancellationToken);

    [Function(nameof(ListOrganisationTrash))]
    public Task<IActionResult> ListOrganisationTrash(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/trash")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ListTrashAsync(request, orgId, cancellationToken);

    [Function(nameof(EmptyTrash))]
    public Task<IActionResult> EmptyTrash(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/trash/empty")] HttpRequest request,
        CancellationToken cancellationToken) => EmptyTrashAsync(request, null, cancellationToken);

    [Function(nameof(EmptyOrganisationTrash))]
    public Task<IActionResult> EmptyOrganisationTrash(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/{orgId}/trash/empty")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => EmptyTrashAsync(request, orgId, cancellationToken);

    private Task<IActionResult> ListAsync(HttpRequest request, string? orgId, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function, async caller =>
    {
        var query = new BookmarkQuery(request.Query["limit"], request.Query["cursor"], request.Query["tag"], request.Query["groupId"]);
        return ApiResults.From(await bookmarks.ListAsync(caller.LibraryId, query, cancellationToken), ApiResults.Ok);
    }, cancellationToken);

    private Task<IActionResult> CreateAsync(HttpRequest request, string? orgId, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync<BookmarkInput>(
        routes, request, orgId, function,
        async (caller, input) => ApiResults.From(await bookmarks.CreateAsync(caller.LibraryId, input, cancellationToken), ApiResults.Created),
        cancellationToken);

    private Task<IActionResult> GetAsync(HttpRequest request, string? orgId, string id, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function,
        async caller => ApiResults.From(await bookmarks.GetAsync(caller.LibraryId, id, cancellationToken), ApiResults.Ok),
        cancellationToken);

    private Task<IActionResult> UpdateAsync(HttpRequest request, string? orgId, string id, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync<BookmarkPatch>(
        routes, request, orgId, function,
        async (caller, patch) => ApiResults.From(await bookmarks.UpdateAsync(caller.LibraryId, id, patch, cancellationToken), ApiResults.Ok),
        cancellationToken);

    private Task<IActionResult> DeleteAsync(HttpRequest request, string? orgId, string id, CancellationToken cancellationToken, [CallerMemberName] string function = "")
    {
        var permanent = request.Query["permanent"].ToString();
        if (permanent is not ("" or "true" or "false"))
        {
            return Task.FromResult<IActionResult>(ApiResults.Problem(Problems.Validation("permanent", "permanent must be true or false.")));
        }

        return permanent == "true"
            ? ApiEndpoint.RunAsync(
                async () => RequireDestructive(await routes.AuthenticateRouteAsync(request, cancellationToken, orgId, function)),
                async caller => ApiResults.From(await bookmarks.DeletePermanentlyAsync(caller.LibraryId, id, cancellationToken), _ => ApiResults.NoContent()),
                cancellationToken)
            : LibraryEndpoint.RunAsync(
                routes, request, orgId, function,
                async caller => ApiResults.From(await bookmarks.TrashAsync(caller.LibraryId, id, cancellationToken), _ => ApiResults.NoContent()),
                cancellationToken);
    }

    private Task<IActionResult> RestoreAsync(HttpRequest request, string? orgId, string id, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function,
        async caller => ApiResults.From(await bookmarks.RestoreAsync(caller.LibraryId, id, cancellationToken), ApiResults.Ok),
        cancellationToken);

    private Task<IActionResult> ListTrashAsync(HttpRequest request, string? orgId, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function,
        async caller => ApiResults.From(
            await bookmarks.ListTrashAsync(caller.LibraryId, request.Query["limit"], request.Query["cursor"], cancellationToken), ApiResults.Ok),
        cancellationToken);

    private Task<IActionResult> EmptyTrashAsync(HttpRequest request, string? orgId, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function,
        async caller => ApiResults.Ok(new { deleted = await bookmarks.EmptyTrashAsync(caller.LibraryId, cancellationToken) }),
        cancellationToken);

    /// <summary>Deleting for good also needs the opt-in <c>destructive</c>, which write never implies.</summary>
    private static Result<Caller> RequireDestructive(Result<Caller> caller) =>
        caller.Succeeded && !caller.Value.HasScope(Scopes.Destructive) ? caller.Value.Refuse(Problems.ScopeRequired(Scopes.Destructive)) : caller;
}

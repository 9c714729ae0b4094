using Bkmark.Core.Authorization;
using Bkmark.Core.Tags;
using Bkmark.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.Functions;

/// <summary>Tags with their counts; renaming (merging) and removing a tag across all bookmarks.</summary>
public sealed class TagFunctions(TagService tags, RequestAuthenticator authenticator)
{
    [Function(nameof(ListTags))]
    public Task<IActionResult> ListTags(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/tags")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.TagsRead, cancellationToken),
        async caller =>
    {
        return ApiResults.Ok(new { data = await tags.ListAsync(caller.LibraryId, cancellationToken) });
    }, cancellationToken);

    [Function(nameof(RenameTag))]
    public Task<IActionResult> RenameTag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/tags/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.TagsWrite, cancellationToken),
        async caller =>
    {
        var rename = await RequestBody.ReadAsync<TagRename>(request, cancellationToken);
        if (!rename.Succeeded)
        {
            return ApiResults.Problem(rename.Problem);
        }

        return ApiResults.From(await tags.RenameAsync(caller.LibraryId, name, rename.Value, cancellationToken), ApiResults.Ok);
    }, cancellationToken);

    [Function(nameof(DeleteTag))]
    public Task<IActionResult> DeleteTag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/tags/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.TagsWrite, cancellationToken),
        async caller =>
    {
        return ApiResults.From(await tags.DeleteAsync(caller.LibraryId, name, cancellationToken), _ => ApiResults.NoContent());
    }, cancellationToken);
}

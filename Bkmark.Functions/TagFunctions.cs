using System.Runtime.CompilerServices;
using Bkmark.Core.Library.Tags;

namespace Bkmark.Functions;

/// <summary>
/// Tags with their counts; renaming (merging) and removing a tag across all bookmarks. Of the caller's library
/// and (under <c>/orgs/{orgId}/</c>) of an organisation's; each pair of routes shares one body.
/// </summary>
public sealed class TagFunctions(TagService tags, PolicyAuthenticator routes)
{
    [Function(nameof(ListTags))]
    public Task<IActionResult> ListTags(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/tags")] HttpRequest request,
        CancellationToken cancellationToken) => ListAsync(request, null, cancellationToken);

    [Function(nameof(ListOrganisationTags))]
    public Task<IActionResult> ListOrganisationTags(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/tags")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ListAsync(request, orgId, cancellationToken);

    [Function(nameof(RenameTag))]
    public Task<IActionResult> RenameTag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/tags/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) => RenameAsync(request, null, name, cancellationToken);

    [Function(nameof(RenameOrganisationTag))]
    public Task<IActionResult> RenameOrganisationTag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/orgs/{orgId}/tags/{name}")] HttpRequest request,
        string orgId,
        string name,
        CancellationToken cancellationToken) => RenameAsync(request, orgId, name, cancellationToken);

    [Function(nameof(DeleteTag))]
    public Task<IActionResult> DeleteTag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/tags/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) => DeleteAsync(request, null, name, cancellationToken);

    [Function(nameof(DeleteOrganisationTag))]
    public Task<IActionResult> DeleteOrganisationTag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/orgs/{orgId}/tags/{name}")] HttpRequest request,
        string orgId,
        string name,
        CancellationToken cancellationToken) => DeleteAsync(request, orgId, name, cancellationToken);

    private Task<IActionResult> ListAsync(HttpRequest request, string? orgId, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function,
        async caller => ApiResults.Ok(new { data = await tags.ListAsync(caller.LibraryId, cancellationToken) }),
        cancellationToken);

    private Task<IActionResult> RenameAsync(HttpRequest request, string? orgId, string name, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync<TagRename>(
        routes, request, orgId, function,
        async (caller, rename) => ApiResults.From(await tags.RenameAsync(caller.LibraryId, name, rename, cancellationToken), ApiResults.Ok),
        cancellationToken);

    private Task<IActionResult> DeleteAsync(HttpRequest request, string? orgId, string name, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function,
        async caller => ApiResults.From(await tags.DeleteAsync(caller.LibraryId, name, cancellationToken), _ => ApiResults.NoContent()),
        cancellationToken);
}

using System.Runtime.CompilerServices;
using Bkmark.Core.Library.Groups;

namespace Bkmark.Functions;

/// <summary>
/// Groups of bookmarks, of the caller's library and (under <c>/orgs/{orgId}/</c>) of an organisation's; each pair
/// of routes shares one body. Deleting a group keeps its bookmarks, ungrouped.
/// </summary>
public sealed class GroupFunctions(GroupService groups, PolicyAuthenticator routes)
{
    [Function(nameof(ListGroups))]
    public Task<IActionResult> ListGroups(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/groups")] HttpRequest request,
        CancellationToken cancellationToken) => ListAsync(request, null, cancellationToken);

    [Function(nameof(ListOrganisationGroups))]
    public Task<IActionResult> ListOrganisationGroups(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/groups")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ListAsync(request, orgId, cancellationToken);

    [Function(nameof(CreateGroup))]
    public Task<IActionResult> CreateGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/groups")] HttpRequest request,
        CancellationToken cancellationToken) => CreateAsync(request, null, cancellationToken);

    [Function(nameof(CreateOrganisationGroup))]
    public Task<IActionResult> CreateOrganisationGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/{orgId}/groups")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => CreateAsync(request, orgId, cancellationToken);

    [Function(nameof(GetGroup))]
    public Task<IActionResult> GetGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/groups/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => GetAsync(request, null, id, cancellationToken);

    [Function(nameof(GetOrganisationGroup))]
    public Task<IActionResult> GetOrganisationGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/groups/{id}")] HttpRequest request,
        string orgId,
        string id,
        CancellationToken cancellationToken) => GetAsync(request, orgId, id, cancellationToken);

    [Function(nameof(UpdateGroup))]
    public Task<IActionResult> UpdateGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/groups/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => UpdateAsync(request, null, id, cancellationToken);

    [Function(nameof(UpdateOrganisationGroup))]
    public Task<IActionResult> UpdateOrganisationGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/orgs/{orgId}/groups/{id}")] HttpRequest request,
        string orgId,
        string id,
        CancellationToken cancellationToken) => UpdateAsync(request, orgId, id, cancellationToken);

    [Function(nameof(DeleteGroup))]
    public Task<IActionResult> DeleteGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/groups/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => DeleteAsync(request, null, id, cancellationToken);

    [Function(nameof(DeleteOrganisationGroup))]
    public Task<IActionResult> DeleteOrganisationGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/orgs/{orgId}/groups/{id}")] HttpRequest request,
        string orgId,
        string id,
        CancellationToken cancellationToken) => DeleteAsync(request, orgId, id, cancellationToken);

    private Task<IActionResult> ListAsync(HttpRequest request, string? orgId, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function,
        async caller => ApiResults.Ok(new { data = await groups.ListAsync(caller.LibraryId, cancellationToken) }),
        cancellationToken);

    private Task<IActionResult> CreateAsync(HttpRequest request, string? orgId, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync<GroupInput>(
        routes, request, orgId, function,
        async (caller, input) => ApiResults.From(await groups.CreateAsync(caller.LibraryId, input, cancellationToken), ApiResults.Created),
        cancellationToken);

    private Task<IActionResult> GetAsync(HttpRequest request, string? orgId, string id, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function,
        async caller => ApiResults.From(await groups.GetAsync(caller.LibraryId, id, cancellationToken), ApiResults.Ok),
        cancellationToken);

    private Task<IActionResult> UpdateAsync(HttpRequest request, string? orgId, string id, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync<GroupPatch>(
        routes, request, orgId, function,
        async (caller, patch) => ApiResults.From(await groups.UpdateAsync(caller.LibraryId, id, patch, cancellationToken), ApiResults.Ok),
        cancellationToken);

    private Task<IActionResult> DeleteAsync(HttpRequest request, string? orgId, string id, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function,
        async caller => ApiResults.From(await groups.DeleteAsync(caller.LibraryId, id, cancellationToken), _ => ApiResults.NoContent()),
        cancellationToken);
}

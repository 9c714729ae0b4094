using Bkmark.Core.Authorization;
using Bkmark.Core.Groups;
using Bkmark.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.Functions;

/// <summary>Groups of bookmarks. Deleting a group keeps its bookmarks, ungrouped.</summary>
public sealed class GroupFunctions(GroupService groups, RequestAuthenticator authenticator)
{
    [Function(nameof(ListGroups))]
    public Task<IActionResult> ListGroups(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/groups")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.GroupsRead, cancellationToken),
        async caller =>
    {
        return ApiResults.Ok(new { data = await groups.ListAsync(caller.LibraryId, cancellationToken) });
    }, cancellationToken);

    [Function(nameof(CreateGroup))]
    public Task<IActionResult> CreateGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/groups")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.GroupsWrite, cancellationToken),
        async caller =>
    {
        var input = await RequestBody.ReadAsync<GroupInput>(request, cancellationToken);
        if (!input.Succeeded)
        {
            return ApiResults.Problem(input.Problem);
        }

        return ApiResults.From(await groups.CreateAsync(caller.LibraryId, input.Value, cancellationToken), ApiResults.Created);
    }, cancellationToken);

    [Function(nameof(GetGroup))]
    public Task<IActionResult> GetGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/groups/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.GroupsRead, cancellationToken),
        async caller =>
    {
        return ApiResults.From(await groups.GetAsync(caller.LibraryId, id, cancellationToken), ApiResults.Ok);
    }, cancellationToken);

    [Function(nameof(UpdateGroup))]
    public Task<IActionResult> UpdateGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/groups/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.GroupsWrite, cancellationToken),
        async caller =>
    {
        var patch = await RequestBody.ReadAsync<GroupPatch>(request, cancellationToken);
        if (!patch.Succeeded)
        {
            return ApiResults.Problem(patch.Problem);
        }

        return ApiResults.From(await groups.UpdateAsync(caller.LibraryId, id, patch.Value, cancellationToken), ApiResults.Ok);
    }, cancellationToken);

    [Function(nameof(DeleteGroup))]
    public Task<IActionResult> DeleteGroup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/groups/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.GroupsWrite, cancellationToken),
        async caller =>
    {
        return ApiResults.From(await groups.DeleteAsync(caller.LibraryId, id, cancellationToken), _ => ApiResults.NoContent());
    }, cancellationToken);
}

using Bkmark.Core.PublishableKeys;

namespace Bkmark.Functions;

/// <summary>The caller's publishable keys: create, list (always in full), delete. A signed-in session only.</summary>
public sealed class PublishableKeyFunctions(PublishableKeyService keys, PolicyAuthenticator routes)
{
    [Function(nameof(CreatePublishableKey))]
    public Task<IActionResult> CreatePublishableKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/publishable-keys")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<CreatePublishableKeyRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        async (caller, body) => ApiResults.From(
            await keys.CreateAsync(caller, new NewPublishableKey(body.Name, body.GroupIds, body.AllowedOrigins), cancellationToken), ApiResults.Created),
        cancellationToken);

    [Function(nameof(ListPublishableKeys))]
    public Task<IActionResult> ListPublishableKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/publishable-keys")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.Ok(new { data = await keys.ListAsync(caller.UserId, cancellationToken) }),
        cancellationToken);

    [Function(nameof(DeletePublishableKey))]
    public Task<IActionResult> DeletePublishableKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/publishable-keys/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await keys.DeleteAsync(caller, id, cancellationToken), _ => ApiResults.Ok(new { message = "Publishable key deleted" })),
        cancellationToken);

    private sealed record CreatePublishableKeyRequest(string? Name, string?[]? GroupIds, string?[]? AllowedOrigins);
}

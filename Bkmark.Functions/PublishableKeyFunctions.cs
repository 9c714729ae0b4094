using Bkmark.Core.PublishableKeys;

namespace Bkmark.Functions;

/// <summary>The caller's publishable keys: create, list (always in full), delete. A signed-in session only.</summary>
public sealed class PublishableKeyFunctions(PublishableKeyService keys, RequestAuthenticator authenticator, SecurityEventLog securityLog)
{
    [Function(nameof(CreatePublishableKey))]
    public Task<IActionResult> CreatePublishableKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/publishable-keys")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<CreatePublishableKeyRequest>(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        request,
        async (caller, body) =>
    {
        var created = await keys.CreateAsync(caller, new NewPublishableKey(body.Name, body.GroupIds, body.AllowedOrigins), cancellationToken);
        await securityLog.RecordIfSucceededAsync(request, caller, created, SecurityEventTypes.PublishableKeyCreated, cancellationToken, key => DetailsOf(key.Id));
        return ApiResults.From(created, ApiResults.Created);
    }, cancellationToken);

    [Function(nameof(ListPublishableKeys))]
    public Task<IActionResult> ListPublishableKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/publishable-keys")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller => ApiResults.Ok(new { data = await keys.ListAsync(caller.UserId, cancellationToken) }),
        cancellationToken);

    [Function(nameof(DeletePublishableKey))]
    public Task<IActionResult> DeletePublishableKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/publishable-keys/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateSessionAsync(request, cancellationToken),
        async caller =>
    {
        var deleted = await keys.DeleteAsync(caller.UserId, id, cancellationToken);
        await securityLog.RecordIfSucceededAsync(request, caller, deleted, SecurityEventTypes.PublishableKeyDeleted, cancellationToken, _ => DetailsOf(id));
        return ApiResults.From(deleted, _ => ApiResults.Ok(new { message = "Publishable key deleted" }));
    }, cancellationToken);

    private static Dictionary<string, string> DetailsOf(string keyId) => new() { ["keyId"] = keyId };

    private sealed record CreatePublishableKeyRequest(string? Name, string?[]? GroupIds, string?[]? AllowedOrigins);
}

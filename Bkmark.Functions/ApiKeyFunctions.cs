using Bkmark.Core.ApiKeys;

namespace Bkmark.Functions;

/// <summary>The caller's API keys: create, list, read, change, roll, revoke. A session or any key may manage them.</summary>
public sealed class ApiKeyFunctions(ApiKeyService keys, ApiKeyRoller roller, PolicyAuthenticator routes)
{
    [Function(nameof(CreateApiKey))]
    public Task<IActionResult> CreateApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/api-keys")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<CreateApiKeyRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        (caller, body) => CreateAsync(caller, body, cancellationToken),
        cancellationToken);

    /// <summary>An organisation's key (DESIGN §12): made by an admin or owner with a recent sign-in, acting on the organisation's library only.</summary>
    [Function(nameof(CreateOrganisationApiKey))]
    public Task<IActionResult> CreateOrganisationApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/{orgId}/api-keys")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<CreateApiKeyRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken, orgId),
        request,
        (caller, body) => CreateAsync(caller, body, cancellationToken),
        cancellationToken);

    /// <summary>The organisation's keys, whoever made them; for its admins and owners.</summary>
    [Function(nameof(ListOrganisationApiKeys))]
    public Task<IActionResult> ListOrganisationApiKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/api-keys")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken, orgId),
        async caller => ApiResults.Ok(new { data = await keys.ListAsync(caller.LibraryId, cancellationToken) }),
        cancellationToken);

    [Function(nameof(RevokeOrganisationApiKey))]
    public Task<IActionResult> RevokeOrganisationApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/orgs/{orgId}/api-keys/{id}")] HttpRequest request,
        string orgId,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken, orgId),
        caller => RevokeAsync(caller, id, cancellationToken),
        cancellationToken);

    /// <summary>Creates a key for the caller: their own, or, for an organisation's manager, the organisation's.</summary>
    private async Task<IActionResult> CreateAsync(Caller caller, CreateApiKeyRequest body, CancellationToken cancellationToken) =>
        ApiResults.From(
            await keys.CreateAsync(
                caller, new NewApiKey(body.Name, body.Scopes, body.ExpiresAt, body.RateLimitPerMinute) { Environment = body.Environment, AllowedIps = body.AllowedIps }, cancellationToken),
            ApiResults.Created);

    [Function(nameof(ListApiKeys))]
    public Task<IActionResult> ListApiKeys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/api-keys")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.Ok(new { data = await keys.ListAsync(caller, cancellationToken) }),
        cancellationToken);

    [Function(nameof(GetApiKey))]
    public Task<IActionResult> GetApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/api-keys/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await keys.GetAsync(caller, id, cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(UpdateApiKey))]
    public Task<IActionResult> UpdateApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/api-keys/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<UpdateApiKeyRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        async (caller, b) => ApiResults.From(
            await keys.UpdateAsync(caller, id, new ApiKeyChanges(b.Name, b.Scopes, b.RateLimitPerMinute, b.ExpiresAt, b.AllowedIps), cancellationToken),
            ApiResults.Ok),
        cancellationToken);

    /// <summary>A new value for the key; like a create, a session needs a recent sign-in (DESIGN §8), since it hands out a secret.</summary>
    [Function(nameof(RollApiKey))]
    public Task<IActionResult> RollApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/api-keys/{id}/roll")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<RollApiKeyRequest>(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        request,
        async (caller, body) => ApiResults.From(await roller.RollAsync(caller, id, body.ExpiresPreviousIn, cancellationToken), ApiResults.Created),
        cancellationToken);

    [Function(nameof(RevokeApiKey))]
    public Task<IActionResult> RevokeApiKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/api-keys/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        caller => RevokeAsync(caller, id, cancellationToken),
        cancellationToken);

    private async Task<IActionResult> RevokeAsync(Caller caller, string id, CancellationToken cancellationToken) =>
        ApiResults.From(await keys.RevokeAsync(caller, id, cancellationToken), _ => ApiResults.Ok(new { message = "API key revoked" }));

    private sealed record CreateApiKeyRequest(string? Name, string?[]? Scopes, DateTimeOffset? ExpiresAt, int? RateLimitPerMinute, string? Environment, string?[]? AllowedIps);

    private sealed record UpdateApiKeyRequest(string? Name, string?[]? Scopes, int? RateLimitPerMinute, DateTimeOffset? ExpiresAt, string?[]? AllowedIps);

    private sealed record RollApiKeyRequest(int? ExpiresPreviousIn);
}

using Bkmark.Core.ApiKeys;

namespace Bkmark.Functions;

/// <summary>A key's verifications per day by outcome (DESIGN §18): for whoever may read the key, and for an organisation's admins and owners.</summary>
public sealed class ApiKeyUsageFunctions(ApiKeyUsageService usage, PolicyAuthenticator routes)
{
    [Function(nameof(GetApiKeyUsage))]
    public Task<IActionResult> GetApiKeyUsage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/api-keys/{id}/usage")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await usage.GetAsync(caller, id, request.Query["days"], cancellationToken), ApiResults.Ok),
        cancellationToken);

    [Function(nameof(GetOrganisationApiKeyUsage))]
    public Task<IActionResult> GetOrganisationApiKeyUsage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/api-keys/{id}/usage")] HttpRequest request,
        string orgId,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken, orgId),
        async caller => ApiResults.From(await usage.GetAsync(caller, id, request.Query["days"], cancellationToken), ApiResults.Ok),
        cancellationToken);
}

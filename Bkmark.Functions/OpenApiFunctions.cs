namespace Bkmark.Functions;

/// <summary>
/// The OpenAPI 3.1 description of every route, <c>docs/openapi.json</c> in the repository, embedded at build
/// time. Tests hold it to functions.metadata (exactly the same routes) and to real responses (their schemas).
/// </summary>
public sealed class OpenApiFunctions
{
    private static readonly StaticAsset Document = StaticAsset.Load("Bkmark.Functions.openapi.json", "application/json; charset=utf-8");

    [Function(nameof(GetOpenApiDocument))]
    public IActionResult GetOpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) => Document;
}

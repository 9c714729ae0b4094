using System.Runtime.CompilerServices;
using Bkmark.Core.Library.ImportExport;

namespace Bkmark.Functions;

/// <summary>
/// Export (JSON or a browser bookmark file) and import of either, each behind its own opt-in scope; of the
/// caller's library or (under <c>/orgs/{orgId}/</c>) an organisation's.
/// </summary>
public sealed class ImportExportFunctions(ImportService importer, ExportService exporter, PolicyAuthenticator routes)
{
    [Function(nameof(ExportBookmarks))]
    public Task<IActionResult> ExportBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/export")] HttpRequest request,
        CancellationToken cancellationToken) => ExportAsync(request, null, cancellationToken);

    [Function(nameof(ExportOrganisationBookmarks))]
    public Task<IActionResult> ExportOrganisationBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/orgs/{orgId}/export")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ExportAsync(request, orgId, cancellationToken);

    [Function(nameof(ImportBookmarks))]
    public Task<IActionResult> ImportBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/import")] HttpRequest request,
        CancellationToken cancellationToken) => ImportAsync(request, null, cancellationToken);

    [Function(nameof(ImportOrganisationBookmarks))]
    public Task<IActionResult> ImportOrganisationBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/orgs/{orgId}/import")] HttpRequest request,
        string orgId,
        CancellationToken cancellationToken) => ImportAsync(request, orgId, cancellationToken);

    private Task<IActionResult> ExportAsync(HttpRequest request, string? orgId, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function,
        async caller => ApiResults.From(await exporter.ExportAsync(caller.LibraryId, request.Query["format"], cancellationToken), f => new FileResponse(f)),
        cancellationToken);

    private Task<IActionResult> ImportAsync(HttpRequest request, string? orgId, CancellationToken cancellationToken, [CallerMemberName] string function = "") => LibraryEndpoint.RunAsync(
        routes, request, orgId, function, async caller =>
    {
        var body = await RequestBody.ReadBytesAsync(request, ImportService.MaxFileBytes, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        return ApiResults.From(await importer.ImportAsync(caller.LibraryId, body.Value, request.ContentType, cancellationToken), ApiResults.Ok);
    }, cancellationToken);
}

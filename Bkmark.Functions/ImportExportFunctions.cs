using Bkmark.Core.Authorization;
using Bkmark.Core.ImportExport;
using Bkmark.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.Functions;

/// <summary>Export (JSON or a browser bookmark file) and import of either; each behind its own opt-in scope.</summary>
public sealed class ImportExportFunctions(ImportService importer, ExportService exporter, RequestAuthenticator authenticator)
{
    [Function(nameof(ExportBookmarks))]
    public Task<IActionResult> ExportBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/export")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.Export, cancellationToken),
        async caller =>
    {
        var file = await exporter.ExportAsync(caller.LibraryId, request.Query["format"], cancellationToken);
        return ApiResults.From(file, f => new FileResponse(f));
    }, cancellationToken);

    [Function(nameof(ImportBookmarks))]
    public Task<IActionResult> ImportBookmarks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/import")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, Scopes.Import, cancellationToken),
        async caller =>
    {
        var body = await RequestBody.ReadBytesAsync(request, ImportService.MaxFileBytes, cancellationToken);
        if (!body.Succeeded)
        {
            return ApiResults.Problem(body.Problem);
        }

        return ApiResults.From(await importer.ImportAsync(caller.LibraryId, body.Value, request.ContentType, cancellationToken), ApiResults.Ok);
    }, cancellationToken);
}

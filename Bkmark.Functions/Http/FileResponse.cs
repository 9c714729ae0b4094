using Bkmark.Core.Library.ImportExport;
using Microsoft.Net.Http.Headers;

namespace Bkmark.Functions.Http;

/// <summary>
/// A downloadable file (exports), streamed as it is produced, so a large library is never held in memory.
/// Self-contained like <see cref="JsonResponse"/>, so both hosts answer alike.
/// </summary>
public sealed class FileResponse(ExportFile file) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = 200;
        response.ContentType = file.ContentType + "; charset=utf-8";
        ApiResponseHeaders.Apply(response);
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = file.FileName }.ToString();
        await file.WriteToAsync(response.Body, context.HttpContext.RequestAborted);
    }
}

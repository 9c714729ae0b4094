using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Bkmark.Functions.Http;

/// <summary>A downloadable text file (exports). Self-contained like <see cref="JsonResponse"/>, so both hosts answer alike.</summary>
public sealed class FileResponse(string content, string contentType, string fileName) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = 200;
        response.ContentType = contentType + "; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        var bytes = Encoding.UTF8.GetBytes(content);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.HttpContext.RequestAborted);
    }
}

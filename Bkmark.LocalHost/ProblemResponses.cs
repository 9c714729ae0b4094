using System.Text.Json;

namespace Bkmark.LocalHost;

/// <summary>
/// The few problem+json bodies the host itself writes (DESIGN.md §2, Errors). Fixed text only: nothing
/// from an exception ever reaches the client.
/// </summary>
internal static class ProblemResponses
{
    public static Task WriteInternalErrorAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status500InternalServerError, "INTERNAL_ERROR", "Internal error", detail: null);

    public static Task WriteNotFoundAsync(HttpContext context, string detail) =>
        WriteAsync(context, StatusCodes.Status404NotFound, "NOT_FOUND", "Not found", detail);

    private static async Task WriteAsync(HttpContext context, int status, string code, string title, string? detail)
    {
        var body = new Dictionary<string, object>
        {
            ["status"] = status,
            ["code"] = code,
            ["title"] = title,
        };
        if (detail is not null)
        {
            body["detail"] = detail;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        await JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}

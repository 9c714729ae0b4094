using System.Text.Json;
using Bkmark.Core.Json;

namespace Bkmark.Functions.Http;

/// <summary>
/// Writes a JSON body with the API's serializer settings. Self-contained, so the Functions host and
/// the local host produce byte-identical responses without depending on MVC's formatters.
/// </summary>
public sealed class JsonResponse(int status, object? body, string contentType = "application/json") : IActionResult
{
    private readonly Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> cookies = [];

    public int Status => status;

    public object? Body => body;

    public JsonResponse WithHeader(string name, string value)
    {
        headers[name] = value;
        return this;
    }

    /// <summary>Adds a <c>Set-Cookie</c> header; unlike other headers, a response may carry several.</summary>
    public JsonResponse WithCookie(string setCookie)
    {
        cookies.Add(setCookie);
        return this;
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            response.Headers[name] = value;
        }

        foreach (var cookie in cookies)
        {
            response.Headers.Append("Set-Cookie", cookie);
        }

        ApiResponseHeaders.Apply(response);
        if (body is null)
        {
            return;
        }

        response.ContentType = contentType + "; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, body, body.GetType(), BkmarkJson.Options, context.HttpContext.RequestAborted);
    }
}

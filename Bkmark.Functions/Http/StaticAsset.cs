using System.Reflection;

namespace Bkmark.Functions.Http;

/// <summary>
/// A file embedded in this assembly, served with the security headers a page needs: a strict
/// Content-Security-Policy (script and style only from this origin, nothing inline, no framing),
/// no MIME sniffing, no referrer.
/// </summary>
public sealed class StaticAsset : IActionResult
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private readonly byte[] content;
    private readonly string contentType;

    private StaticAsset(byte[] content, string contentType)
    {
        this.content = content;
        this.contentType = contentType;
    }

    /// <summary>Loads an embedded resource once (at start-up, as a static field initialiser does).</summary>
    public static StaticAsset Load(string resourceName, string contentType)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{resourceName}' is missing from Bkmark.Functions.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return new StaticAsset(buffer.ToArray(), contentType);
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = 200;
        response.ContentType = contentType;
        response.ContentLength = content.Length;
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
        response.Headers.CacheControl = "no-cache";
        await response.Body.WriteAsync(content, context.HttpContext.RequestAborted);
    }
}

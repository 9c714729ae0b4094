namespace Bkmark.Functions.Http;

/// <summary>
/// The headers every API answer carries (DESIGN §7 "Headers"), written in this one place by
/// <see cref="JsonResponse"/> and <see cref="FileResponse"/>.
/// </summary>
public static class ApiResponseHeaders
{
    /// <summary>
    /// <c>X-Content-Type-Options: nosniff</c>, so a browser never runs a JSON body or an export as HTML or
    /// script; <c>Cache-Control: no-store</c> (RFC 6749 §5.1), because API answers carry credentials, account
    /// data or a library, and no shared or browser cache may keep them.
    /// </summary>
    public static void Apply(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-store";
    }
}

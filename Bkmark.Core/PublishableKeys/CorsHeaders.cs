namespace Bkmark.Core.PublishableKeys;

/// <summary>
/// The CORS answers for a publishable key's allowed origin (Fetch standard): named exactly, never <c>*</c>, with
/// <c>Vary: Origin</c> so no cache hands one origin's answer to another. Refused origins get none of these.
/// </summary>
internal static class CorsHeaders
{
    /// <summary>What an allowed origin's script may read besides the simple headers.</summary>
    private const string Exposed = "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After";

    public static Dictionary<string, string> ForRequest(string origin) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Access-Control-Allow-Origin"] = origin,
        ["Access-Control-Expose-Headers"] = Exposed,
        ["Vary"] = "Origin",
    };

    public static IReadOnlyDictionary<string, string> ForPreflight(string origin, TimeSpan maxAge) => new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Access-Control-Allow-Origin"] = origin,
        ["Access-Control-Allow-Methods"] = "GET",
        ["Access-Control-Allow-Headers"] = "Content-Type",
        ["Access-Control-Max-Age"] = ((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        ["Vary"] = "Origin",
    };
}

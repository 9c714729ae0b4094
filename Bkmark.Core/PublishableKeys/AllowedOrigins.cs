namespace Bkmark.Core.PublishableKeys;

/// <summary>Web origins (RFC 6454) as a browser sends them in <c>Origin</c>: <c>scheme://host[:port]</c>, nothing more.</summary>
public static class AllowedOrigins
{
    /// <summary>
    /// The origin in the form browsers serialise it (lower-case scheme and host, no default port), or null for
    /// anything else: another scheme, a path, a query, credentials, a wildcard, or the opaque <c>null</c> origin.
    /// </summary>
    public static string? Normalize(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin)
            || !Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.UserInfo.Length > 0
            || uri.PathAndQuery != "/"
            || uri.Fragment.Length > 0)
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority);
    }
}

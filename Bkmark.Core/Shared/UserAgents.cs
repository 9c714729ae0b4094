namespace Bkmark.Core.Shared;

/// <summary>
/// What a User-Agent says in words a person recognises ("Chrome", "macOS"): a new passkey's default name,
/// and the browser a security email names.
/// </summary>
public static class UserAgents
{
    /// <summary>"Chrome on macOS", "Firefox"; <paramref name="unknown"/> (or "<paramref name="unknown"/> on Windows") for what it cannot name.</summary>
    public static string Describe(string? userAgent, string unknown)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return unknown;
        }

        return (BrowserOf(userAgent), PlatformOf(userAgent)) switch
        {
            (null, null) => unknown,
            ({ } b, null) => b,
            (null, { } p) => $"{unknown} on {p}",
            ({ } b, { } p) => $"{b} on {p}",
        };
    }

    // Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", and iOS browsers name themselves with a suffix.
    private static string? BrowserOf(string ua) =>
        Has(ua, "Edg/") || Has(ua, "EdgiOS/") || Has(ua, "EdgA/") ? "Edge"
        : Has(ua, "OPR/") || Has(ua, "Opera") ? "Opera"
        : Has(ua, "SamsungBrowser/") ? "Samsung Internet"
        : Has(ua, "Firefox/") || Has(ua, "FxiOS/") ? "Firefox"
        : Has(ua, "Chrome/") || Has(ua, "Chromium/") || Has(ua, "CriOS/") ? "Chrome"
        : Has(ua, "Safari/") ? "Safari"
        : null;

    private static string? PlatformOf(string ua) =>
        Has(ua, "iPhone") ? "iPhone"
        : Has(ua, "iPad") ? "iPad"
        : Has(ua, "Android") ? "Android"
        : Has(ua, "CrOS") ? "ChromeOS"
        : Has(ua, "Mac OS X") || Has(ua, "Macintosh") ? "macOS"
        : Has(ua, "Windows") ? "Windows"
        : Has(ua, "Linux") ? "Linux"
        : null;

    private static bool Has(string ua, string token) => ua.Contains(token, StringComparison.Ordinal);
}

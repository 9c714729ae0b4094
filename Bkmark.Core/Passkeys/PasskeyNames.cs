namespace Bkmark.Core.Passkeys;

/// <summary>The default name of a new passkey: the browser and device that created it, from the User-Agent.</summary>
public static class PasskeyNames
{
    public const int MaxLength = 100;

    /// <summary>"Chrome on macOS", "Firefox on Windows", "Safari on iPhone"; "Passkey" when the User-Agent says nothing usable.</summary>
    public static string FromUserAgent(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Passkey";
        }

        var browser = BrowserOf(userAgent);
        var platform = PlatformOf(userAgent);
        return (browser, platform) switch
        {
            (null, null) => "Passkey",
            ({ } b, null) => b,
            (null, { } p) => $"Passkey on {p}",
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

namespace Bkmark.Core.Passkeys;

/// <summary>The default name of a new passkey: the browser and device that created it, from the User-Agent.</summary>
public static class PasskeyNames
{
    public const int MaxLength = 100;

    /// <summary>"Chrome on macOS", "Firefox on Windows", "Safari on iPhone"; "Passkey" when the User-Agent says nothing usable.</summary>
    public static string FromUserAgent(string? userAgent) => UserAgents.Describe(userAgent, "Passkey");
}

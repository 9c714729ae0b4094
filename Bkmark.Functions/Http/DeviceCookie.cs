namespace Bkmark.Functions.Http;

/// <summary>
/// The device token for browser pages (DESIGN.md §7): <c>bk_device</c>, HttpOnly, SameSite=Strict, on
/// <c>/api/v1/auth</c>, kept a year. A sign-in reads it when the body names no <c>deviceToken</c>. It only
/// chooses which throttle counter a sign-in uses, so it needs no CSRF check of its own.
/// </summary>
public static class DeviceCookie
{
    public const string Name = "bk_device";

    private const int MaxAgeSeconds = 365 * 24 * 60 * 60;

    public static string Issue(HttpRequest request, string deviceToken) => AuthCookies.SetCookie(request, Name, deviceToken, MaxAgeSeconds);

    /// <summary>The device token a sign-in presents: the body's, else the cookie's.</summary>
    public static string? Presented(HttpRequest request, string? bodyToken) =>
        string.IsNullOrEmpty(bodyToken) ? AuthCookies.Read(request, Name) : bodyToken;
}

namespace Bkmark.Functions.Http;

/// <summary>
/// The cookies of <c>/api/v1/auth</c> (the refresh token, the device token): HttpOnly so script cannot read
/// them, SameSite=Strict so no other site's request carries them, and scoped to the sign-in routes only.
/// </summary>
public static class AuthCookies
{
    public const string CookiePath = "/api/v1/auth";

    /// <summary>A <c>Set-Cookie</c> value; <paramref name="maxAgeSeconds"/> 0 removes the cookie.</summary>
    /// <param name="sameSite">Strict, except for a cookie that must ride along when another site (an identity provider) sends the browser back.</param>
    public static string SetCookie(
        HttpRequest request, string name, string value, int maxAgeSeconds, string path = CookiePath, string sameSite = "Strict") =>
        $"{name}={value}; Max-Age={maxAgeSeconds}; Path={path}; HttpOnly; SameSite={sameSite}{(IsHttps(request) ? "; Secure" : "")}";

    public static string? Read(HttpRequest request, string name) =>
        request.Cookies.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    // The scheme as the host presents it: the worker's forwarded-headers step has already applied what
    // Azure's front end saw, so a client's own X-Forwarded-Proto cannot turn Secure on or off (DESIGN.md §2).
    public static bool IsHttps(HttpRequest request) => request.IsHttps;
}

namespace Bkmark.Functions.Http;

/// <summary>
/// Refresh tokens for browser pages, kept where script cannot read them: an HttpOnly, SameSite=Strict
/// cookie scoped to <c>/api/v1/auth</c>. A sign-in asks for it with <c>"refreshTokenDelivery": "cookie"</c>;
/// <c>POST /auth/refresh</c> reads it when the body names no token. Because a browser attaches the cookie on
/// its own, every request that sets or uses it must pass <see cref="CheckCsrf"/>.
/// </summary>
public static class RefreshTokenCookie
{
    public const string Name = "bkmark_refresh";

    /// <summary>
    /// The header a cookie request must carry. A page can only add it with fetch, and a cross-origin page
    /// cannot without a CORS preflight this API never grants; forms and links cannot at all.
    /// </summary>
    public const string CsrfHeader = "X-Requested-With";

    public const string BodyDelivery = "body";
    public const string CookieDelivery = "cookie";

    /// <summary>
    /// Reads a sign-in's <c>refreshTokenDelivery</c>: absent or "body" → false, "cookie" → true once the
    /// request passes <see cref="CheckCsrf"/> (a cross-site sign-in would plant the attacker's session).
    /// </summary>
    public static Result<bool> ParseDelivery(HttpRequest request, string? value) => value switch
    {
        null or BodyDelivery => false,
        CookieDelivery => CheckCsrf(request) is { } refused ? refused : true,
        _ => Problems.Validation("refreshTokenDelivery", $"Use \"{BodyDelivery}\" (the default) or \"{CookieDelivery}\"."),
    };

    public static string? Read(HttpRequest request) => AuthCookies.Read(request, Name);

    /// <summary>
    /// The refresh token a refresh presents: the body's, else the cookie's, which only a request that passes
    /// <see cref="CheckCsrf"/> may use (a browser attaches it on its own).
    /// </summary>
    public static Result<PresentedRefreshToken> ReadPresented(HttpRequest request, string? bodyToken)
    {
        if (!string.IsNullOrEmpty(bodyToken))
        {
            return new PresentedRefreshToken(bodyToken, FromCookie: false);
        }

        if (Read(request) is not { } cookieToken)
        {
            return Problems.Validation("refreshToken", "The refresh token is required.");
        }

        return CheckCsrf(request) is { } refused ? refused : new PresentedRefreshToken(cookieToken, FromCookie: true);
    }

    /// <summary>
    /// Refuses a request that sets or uses the cookie unless it comes from a page of this origin: the custom
    /// header must be present, and the browser's <c>Origin</c> (or, without it, <c>Sec-Fetch-Site</c>) must
    /// say same-origin. SameSite=Strict already keeps the cookie off cross-site requests; this is the second wall.
    /// </summary>
    public static Problem? CheckCsrf(HttpRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Headers[CsrfHeader]))
        {
            return CsrfFailed($"Cookie-based refresh needs the {CsrfHeader} header.");
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            return string.Equals(origin, OwnOrigin(request), StringComparison.OrdinalIgnoreCase)
                ? null
                : CsrfFailed("Cookie-based refresh is only accepted from this site's own pages.");
        }

        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        return fetchSite.Length == 0 || fetchSite == "same-origin"
            ? null
            : CsrfFailed("Cookie-based refresh is only accepted from this site's own pages.");
    }

    /// <summary>The <c>Set-Cookie</c> value that hands the browser a refresh token.</summary>
    public static string Issue(HttpRequest request, string refreshToken, int maxAgeSeconds) =>
        AuthCookies.SetCookie(request, Name, refreshToken, maxAgeSeconds);

    /// <summary>The <c>Set-Cookie</c> value that removes it (sign-out, or a refresh token that no longer works).</summary>
    public static string Clear(HttpRequest request) => AuthCookies.SetCookie(request, Name, "", maxAgeSeconds: 0);

    private static string OwnOrigin(HttpRequest request) => $"{(AuthCookies.IsHttps(request) ? "https" : "http")}://{request.Host.Value}";

    private static Problem CsrfFailed(string detail) => new(ErrorCodes.CsrfCheckFailed, detail);
}

/// <summary>A refresh token as a request presented it; one from the cookie is answered with the cookie.</summary>
public sealed record PresentedRefreshToken(string Token, bool FromCookie);

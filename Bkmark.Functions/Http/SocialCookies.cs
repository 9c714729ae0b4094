namespace Bkmark.Functions.Http;

/// <summary>
/// The two short-lived cookies of a social sign-in, on <c>/api/v1/auth/social</c> only, HttpOnly:
/// <c>bk_social_flow</c> binds a started flow to the browser that started it (the callback must present it,
/// so a callback URL carried to another browser signs nobody in), and <c>bk_social_signin</c> carries the
/// pending sign-in from the callback to the page's completing POST. Both are SameSite=Lax: the provider's
/// redirect back is a navigation from another site, which a Strict cookie would not ride along on.
/// </summary>
public static class SocialCookies
{
    public const string FlowName = "bk_social_flow";
    public const string PendingSignInName = "bk_social_signin";
    public const string CookiePath = "/api/v1/auth/social";

    public static string IssueFlow(HttpRequest request, string binding, TimeSpan lifetime) =>
        AuthCookies.SetCookie(request, FlowName, binding, (int)lifetime.TotalSeconds, CookiePath, "Lax");

    public static string ClearFlow(HttpRequest request) => AuthCookies.SetCookie(request, FlowName, "", 0, CookiePath, "Lax");

    public static string IssuePendingSignIn(HttpRequest request, string pendingSignIn, TimeSpan lifetime) =>
        AuthCookies.SetCookie(request, PendingSignInName, pendingSignIn, (int)lifetime.TotalSeconds, CookiePath, "Lax");

    public static string? ReadFlow(HttpRequest request) => AuthCookies.Read(request, FlowName);

    public static string? ReadPendingSignIn(HttpRequest request) => AuthCookies.Read(request, PendingSignInName);
}

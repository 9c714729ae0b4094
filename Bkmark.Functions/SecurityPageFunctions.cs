namespace Bkmark.Functions;

/// <summary>
/// Settings → Security: one static page (HTML, script, style; embedded, no build step) that works
/// against the public API. It signs in with the refresh token in an HttpOnly cookie and keeps the
/// access token in memory only.
/// </summary>
public sealed class SecurityPageFunctions
{
    private static readonly StaticAsset Page = StaticAsset.Load("Bkmark.Functions.SecurityPage.security.html", "text/html; charset=utf-8");
    private static readonly StaticAsset Script = StaticAsset.Load("Bkmark.Functions.SecurityPage.security.js", "text/javascript; charset=utf-8");
    private static readonly StaticAsset Style = StaticAsset.Load("Bkmark.Functions.SecurityPage.security.css", "text/css; charset=utf-8");

    [Function(nameof(SecurityPage))]
    public IActionResult SecurityPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "settings/security")] HttpRequest request) => Page;

    [Function(nameof(SecurityPageScript))]
    public IActionResult SecurityPageScript(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "settings/security.js")] HttpRequest request) => Script;

    [Function(nameof(SecurityPageStyle))]
    public IActionResult SecurityPageStyle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "settings/security.css")] HttpRequest request) => Style;
}

using Bkmark.Core.Social;

namespace Bkmark.Functions;

/// <summary>
/// Social sign-in (OpenID Connect): the providers, starting a sign-in, the provider's callback, completing the
/// sign-in from the page, and the signed-in user's linked accounts. The callback answers the browser with a
/// redirect to the page; what happened travels in the URL fragment, which never reaches a server or a log.
/// </summary>
public sealed class SocialFunctions(SocialSignInService social, PolicyAuthenticator routes)
{
    private const string PagePath = "/api/settings/security";

    [Function(nameof(ListSocialProviders))]
    public IActionResult ListSocialProviders(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/auth/social/providers")] HttpRequest request) =>
        ApiResults.Ok(new { data = social.ListProviders() });

    [Function(nameof(StartSocialSignIn))]
    public Task<IActionResult> StartSocialSignIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/auth/social/{name}/start")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(async () =>
    {
        var start = await social.StartSignInAsync(name, CallbackUri(request, name), cancellationToken);
        return ApiResults.From(start, s => Redirect(s.AuthorizationUrl).WithCookie(SocialCookies.IssueFlow(request, s.BrowserBinding, s.Lifetime)));
    }, cancellationToken);

    [Function(nameof(SocialSignInCallback))]
    public Task<IActionResult> SocialSignInCallback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/auth/social/{name}/callback")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(async () =>
    {
        var query = request.Query;
        var callback = new SocialCallback(
            name, query["state"].FirstOrDefault(), query["code"].FirstOrDefault(), query["error"].FirstOrDefault(),
            query["iss"].FirstOrDefault(), SocialCookies.ReadFlow(request));
        var outcome = await social.CompleteCallbackAsync(callback, ClientInfo.From(request), cancellationToken);

        // The flow is spent whatever happened: its cookie goes too.
        var clearFlow = SocialCookies.ClearFlow(request);
        if (!outcome.Succeeded)
        {
            var problem = outcome.Problem;
            return Redirect($"{PagePath}#social-error={Uri.EscapeDataString(problem.Code)}&detail={Uri.EscapeDataString(problem.Detail)}")
                .WithCookie(clearFlow);
        }

        return outcome.Value is { PendingSignIn: { } pending } signIn
            ? Redirect($"{PagePath}#social-sign-in={Uri.EscapeDataString(name)}")
                .WithCookie(clearFlow).WithCookie(SocialCookies.IssuePendingSignIn(request, pending, signIn.Lifetime))
            : Redirect($"{PagePath}#social-linked={Uri.EscapeDataString(name)}").WithCookie(clearFlow);
    }, cancellationToken);

    [Function(nameof(CompleteSocialSignIn))]
    public Task<IActionResult> CompleteSocialSignIn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/social/complete")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync<CompleteSocialSignInRequest>(request, async body =>
    {
        // The pending sign-in rides in a cookie the browser attaches by itself: only this site's pages may use it.
        if (RefreshTokenCookie.CheckCsrf(request) is { } refused)
        {
            return ApiResults.Problem(refused);
        }

        return await TokenDelivery.SignInAsync(request, body.RefreshTokenDelivery, () => social.CompleteSignInAsync(
            SocialCookies.ReadPendingSignIn(request), body.TwoFactorCode, ClientInfo.From(request), cancellationToken));
    }, cancellationToken);

    [Function(nameof(ListSocialAccounts))]
    public Task<IActionResult> ListSocialAccounts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me/social-accounts")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.Ok(new { data = await social.ListAsync(caller.UserId, cancellationToken) }),
        cancellationToken);

    [Function(nameof(LinkSocialAccount))]
    public Task<IActionResult> LinkSocialAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/me/social-accounts/{name}/link")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller =>
    {
        // The user comes from the session, never from the request: the callback links to whoever started this.
        var start = await social.StartLinkAsync(caller.UserId, name, CallbackUri(request, name), cancellationToken);
        return ApiResults.From(start, s => ApiResults.Ok(new { url = s.AuthorizationUrl })
            .WithCookie(SocialCookies.IssueFlow(request, s.BrowserBinding, s.Lifetime)));
    }, cancellationToken);

    [Function(nameof(UnlinkSocialAccount))]
    public Task<IActionResult> UnlinkSocialAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/me/social-accounts/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.From(await social.UnlinkAsync(caller, id, cancellationToken), _ => ApiResults.NoContent()),
        cancellationToken);

    // The callback on the origin the browser used, so the flow cookie set here comes back to it.
    private static string CallbackUri(HttpRequest request, string name) =>
        $"{(AuthCookies.IsHttps(request) ? "https" : "http")}://{request.Host.Value}/api/v1/auth/social/{Uri.EscapeDataString(name)}/callback";

    private static JsonResponse Redirect(string location) => new JsonResponse(302, null).WithHeader("Location", location);

    private sealed record CompleteSocialSignInRequest(string? TwoFactorCode, string? RefreshTokenDelivery);
}

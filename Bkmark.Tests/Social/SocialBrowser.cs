using System.Text.RegularExpressions;

namespace Bkmark.Tests.Social;

/// <summary>
/// What a browser does in a social sign-in, over HTTP: keeps cookies for Bkmark and the Local IdP, follows the
/// provider's redirects, and posts its real sign-in and consent forms. Nothing of the provider's side is faked.
/// </summary>
public sealed partial class SocialBrowser : IDisposable
{
    private const string CallbackPath = "/api/v1/auth/social/";
    private readonly HttpClient client;
    private readonly Uri api;

    /// <param name="api">The host's root.</param>
    /// <param name="from">Where the browser's connections leave from (<see cref="LoopbackPeers"/>); the tests' own address by default.</param>
    /// <param name="userAgent">The browser's User-Agent; none by default.</param>
    public SocialBrowser(Uri api, IPAddress? from = null, string? userAgent = null)
    {
        this.api = api;
        Cookies = new CookieContainer();
        this.client = new HttpClient(from is null
            ? new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false }
            : LoopbackPeers.HandlerFrom(from, Cookies))
        { BaseAddress = api };
        if (userAgent is not null)
        {
            client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        }
    }

    public CookieContainer Cookies { get; }

    /// <summary><c>GET /auth/social/{provider}/start</c>: the provider's authorization URL (the flow cookie is kept).</summary>
    public async Task<Uri> StartAsync(string provider = SocialHostFixture.Provider)
    {
        using var response = await client.GetAsync($"api/v1/auth/social/{provider}/start");
        Assert.True(response.StatusCode == HttpStatusCode.Found, $"start answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!;
    }

    /// <summary><c>POST /me/social-accounts/{provider}/link</c> as the signed-in page sends it: the provider URL.</summary>
    public async Task<HttpResponseMessage> LinkAsync(string accessToken, string provider = SocialHostFixture.Provider) =>
        await client.SendAsync(HttpMethod.Post, $"api/v1/me/social-accounts/{provider}/link", bearer: accessToken);

    /// <summary>
    /// Signs in at the Local IdP as <paramref name="email"/> (any password), consenting if it asks, and returns the
    /// callback URL it redirects to, without visiting it.
    /// </summary>
    public async Task<Uri> SignInAtProviderAsync(Uri authorizationUrl, string email)
    {
        var url = authorizationUrl;
        for (var step = 0; step < 12; step++)
        {
            using var response = await client.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                url = await SubmitInteractionAsync(url, await response.Content.ReadAsStringAsync(), email);
            }
            else
            {
                Assert.True((int)response.StatusCode is 302 or 303, $"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                url = new Uri(url, response.Headers.Location!);
            }

            if (url.AbsolutePath.StartsWith(CallbackPath, StringComparison.Ordinal) && url.Authority == api.Authority)
            {
                return url;
            }
        }

        throw new InvalidOperationException($"The Local IdP never redirected back to Bkmark (last at {url}).");
    }

    /// <summary>Visits Bkmark's callback; answers the redirect to the page.</summary>
    public Task<HttpResponseMessage> CallbackAsync(Uri callback) => client.GetAsync(callback);

    /// <summary><c>POST /auth/social/complete</c> as the page sends it (same origin, cookie delivery).</summary>
    public Task<HttpResponseMessage> CompleteAsync(string? twoFactorCode = null, string delivery = "body")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/social/complete")
        {
            Content = JsonContent.Create(new { twoFactorCode, refreshTokenDelivery = delivery }),
        };
        request.Headers.Add("X-Requested-With", "fetch");
        request.Headers.Add("Origin", api.GetLeftPart(UriPartial.Authority));
        return client.SendAsync(request);
    }

    /// <summary>The whole sign-in: start, the provider, the callback, the page's completion. Returns the callback's redirect.</summary>
    public async Task<Uri> SignInUpToPageAsync(string email)
    {
        var callback = await SignInAtProviderAsync(await StartAsync(), email);
        using var answer = await CallbackAsync(callback);
        Assert.Equal(HttpStatusCode.Found, answer.StatusCode);
        return answer.Headers.Location!;
    }

    /// <summary>Signs in as <paramref name="email"/> and completes it: the token response.</summary>
    public async Task<JsonElement> SignInAsync(string email)
    {
        var page = await SignInUpToPageAsync(email);
        Assert.StartsWith("#social-sign-in=", page.OriginalString[page.OriginalString.IndexOf('#', StringComparison.Ordinal)..], StringComparison.Ordinal);
        using var completed = await CompleteAsync();
        Assert.True(completed.StatusCode == HttpStatusCode.OK, $"complete answered {(int)completed.StatusCode}: {await completed.Content.ReadAsStringAsync()}");
        return await completed.ReadJsonAsync();
    }

    /// <summary>The fragment of the page URL the callback redirected to, as name → value.</summary>
    public static Dictionary<string, string> FragmentOf(Uri page)
    {
        var text = page.OriginalString;
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        Assert.True(hash >= 0, $"No fragment in {text}");
        return text[(hash + 1)..].Split('&').Select(part => part.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
    }

    public void Dispose() => client.Dispose();

    // The dev interaction pages of oidc-provider: a form posting "prompt" (login or consent) to the interaction URL.
    private async Task<Uri> SubmitInteractionAsync(Uri page, string html, string email)
    {
        var action = FormAction().Match(html);
        var prompt = PromptField().Match(html);
        Assert.True(action.Success && prompt.Success, $"No sign-in or consent form at {page}: {html}");
        var fields = new Dictionary<string, string> { ["prompt"] = prompt.Groups[1].Value };
        if (fields["prompt"] == "login")
        {
            fields["login"] = email;
            fields["password"] = "any password";
        }

        using var response = await client.PostAsync(new Uri(page, WebUtility.HtmlDecode(action.Groups[1].Value)), new FormUrlEncodedContent(fields));
        Assert.True((int)response.StatusCode is 302 or 303, $"The {fields["prompt"]} form answered {(int)response.StatusCode}");
        return new Uri(page, response.Headers.Location!);
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"[^>]*method=\"post\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"prompt\" value=\"(\\w+)\"")]
    private static partial Regex PromptField();
}

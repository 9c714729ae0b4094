using Bkmark.Core.Passkeys;
using Bkmark.Tests.Passkeys;
using Bkmark.Tests.Social;

namespace Bkmark.Tests.SecurityReview;

/// <summary>
/// <c>GET /me/security-review</c> (DESIGN.md §14) over HTTP, against Azurite and the Local IdP, with two people: an
/// intruder who has the password adds a passkey, an API key and a social link from their own address and browser;
/// the owner's review names each with that address and browser, and the route it names removes it.
/// </summary>
public sealed class SecurityReviewTests(SocialHostFixture host) : IClassFixture<SocialHostFixture>, IDisposable
{
    private const string IntruderBrowser = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    private readonly TestAuthenticator authenticator = new();

    public void Dispose() => authenticator.Dispose();

    [Fact]
    public async Task Review_NamesTheIntrudersAddressAndBrowser_AndTheNamedRoutesRemoveWhatTheyAdded()
    {
        // Arrange: the intruder signs in with the owner's password from another address and adds three ways back in.
        var owner = await host.SignUpAsync(plan: "pro");
        using var intruder = LoopbackPeers.ClientFrom(LoopbackPeers.Intruder, host.BaseAddress);
        intruder.DefaultRequestHeaders.UserAgent.ParseAdd(IntruderBrowser);
        var intruderToken = (await intruder.LoginAsync(owner.Email)).GetProperty("accessToken").GetString()!;
        var passkeyId = await AddPasskeyAsync(intruder, intruderToken);
        var keyId = (await intruder.SendForJsonAsync(HttpMethod.Post, "api/v1/api-keys",
            new { name = "backup", scopes = new[] { "bookmarks:read" } }, intruderToken, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var linkId = await LinkSocialAccountAsync(intruderToken, new SocialBrowser(host.BaseAddress, LoopbackPeers.Intruder, IntruderBrowser));

        // Act: the owner, signed in from their own address, reads the review.
        var ownerToken = (await host.Client.LoginAsync(owner.Email)).GetProperty("accessToken").GetString()!;
        var review = await host.GetJsonAsync(ownerToken, "api/v1/me/security-review");

        // Assert: each item, with the intruder's address and browser, and its removal route.
        var items = review.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(
            [("api_key", keyId), ("passkey", passkeyId), ("social_account", linkId)],
            items.Select(item => (item.GetProperty("kind").GetString()!, item.GetProperty("id").GetString()!)).Order());
        foreach (var item in items)
        {
            Assert.Equal(LoopbackPeers.Intruder.ToString(), item.GetProperty("ipAddress").GetString());
            Assert.Equal(IntruderBrowser, item.GetProperty("userAgent").GetString());
            Assert.Equal("Firefox on Linux", item.GetProperty("browser").GetString());
        }

        foreach (var item in items)
        {
            using var removed = await RemoveAsync(item, ownerToken);
            Assert.True(removed.IsSuccessStatusCode, $"{item}: {(int)removed.StatusCode} {await removed.Content.ReadAsStringAsync()}");
        }

        Assert.Empty((await host.GetJsonAsync(ownerToken, "api/v1/me/security-review")).GetProperty("data").EnumerateArray());
        Assert.Empty((await host.GetJsonAsync(ownerToken, "api/v1/me/passkeys")).GetProperty("data").EnumerateArray());
        Assert.Empty((await host.GetJsonAsync(ownerToken, "api/v1/me/social-accounts")).GetProperty("data").EnumerateArray());
        Assert.Empty((await host.GetJsonAsync(ownerToken, "api/v1/api-keys")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Review_ListsNothing_ForAnAccountWithNothingAdded()
    {
        var owner = await host.SignUpAsync();

        var review = await host.GetJsonAsync(owner.AccessToken, "api/v1/me/security-review");

        Assert.Empty(review.GetProperty("data").EnumerateArray());
        Assert.True(review.GetProperty("since").GetDateTimeOffset() < host.Time.GetUtcNow().AddDays(-29));
    }

    [Fact]
    public async Task Review_Returns403_ForAnApiKey()
    {
        var owner = await host.SignUpAsync(plan: "pro");
        var key = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/api-keys",
            new { name = "script", scopes = new[] { "bookmarks:read" } }, owner.AccessToken, HttpStatusCode.Created)).GetProperty("key").GetString()!;

        using var response = await host.SendAsync(HttpMethod.Get, "api/v1/me/security-review", bearer: key);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ApiKeyNotAllowed);
    }

    [Fact]
    public async Task ReviewRemovals_SucceedOnce_WhenEachItemIsRemovedTwiceAtOnce()
    {
        // Arrange: one item of each kind (the password stays, so no removal is the last way in).
        var owner = await host.SignUpAsync(plan: "team");
        await AddPasskeyAsync(host.Client, owner.AccessToken);
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "raced", scopes = new[] { "bookmarks:read" } }, owner.AccessToken, HttpStatusCode.Created);
        await LinkSocialAccountAsync(owner.AccessToken, host.NewBrowser());
        var groupId = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/groups", new { name = "Reading" }, owner.AccessToken, HttpStatusCode.Created))
            .GetProperty("id").GetString()!;
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/publishable-keys",
            new { name = "blog", groupIds = new[] { groupId }, allowedOrigins = new[] { "https://blog.example" } }, owner.AccessToken, HttpStatusCode.Created);
        var orgId = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/orgs", new { name = "Team" }, owner.AccessToken, HttpStatusCode.Created))
            .GetProperty("id").GetString()!;
        await host.SendForJsonAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/invitations", new { email = ApiTestClient.NewEmail(), role = "member" }, owner.AccessToken, HttpStatusCode.Accepted);
        var items = (await host.GetJsonAsync(owner.AccessToken, "api/v1/me/security-review")).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(
            ["api_key", "invitation", "organisation", "passkey", "publishable_key", "social_account"],
            items.Select(item => item.GetProperty("kind").GetString()).Order());

        // The organisation's sole owner may not leave it; everything else is raced.
        foreach (var item in items.Where(item => item.GetProperty("kind").GetString() != "organisation"))
        {
            // Act
            var answers = await Race.SendAsync(() => RemoveAsync(item, owner.AccessToken), copies: 2);

            // Assert: one removed it, the other found it gone; never a 500.
            Assert.Single(answers, answer => answer.Succeeded);
            Assert.Single(answers, answer => answer.Code == ErrorCodes.NotFound);
        }

        var left = Assert.Single((await host.GetJsonAsync(owner.AccessToken, "api/v1/me/security-review")).GetProperty("data").EnumerateArray());
        Assert.Equal(orgId, left.GetProperty("id").GetString());
    }

    private Task<HttpResponseMessage> RemoveAsync(JsonElement item, string token)
    {
        var remove = item.GetProperty("remove");
        return host.SendAsync(new HttpMethod(remove.GetProperty("method").GetString()!), "api/v1" + remove.GetProperty("path").GetString(), bearer: token);
    }

    /// <summary>A passkey registered over HTTP through <paramref name="client"/>; the host's relying party is the default one.</summary>
    private Task<string> AddPasskeyAsync(HttpClient client, string token) => authenticator.RegisterAsync(client, token, PasskeyOptions.DefaultOrigin);

    /// <summary>Links a new Local IdP account to the signed-in account, in <paramref name="browser"/>; returns the link's id.</summary>
    private async Task<string> LinkSocialAccountAsync(string token, SocialBrowser browser)
    {
        using (browser)
        {
            using var link = await browser.LinkAsync(token);
            var callback = await browser.SignInAtProviderAsync(new Uri((await link.ReadJsonAsync()).GetProperty("url").GetString()!), ApiTestClient.NewEmail());
            using var linked = await browser.CallbackAsync(callback);
            Assert.Equal(SocialHostFixture.Provider, SocialBrowser.FragmentOf(linked.Headers.Location!)["social-linked"]);
        }

        return Assert.Single((await host.GetJsonAsync(token, "api/v1/me/social-accounts")).GetProperty("data").EnumerateArray()).GetProperty("id").GetString()!;
    }
}

using Bkmark.Core.TwoFactor;
using OtpNet;

namespace Bkmark.Tests.Social;

/// <summary>Social sign-in end to end: Bkmark over HTTP against Azurite and a real OpenID provider (the Local IdP).</summary>
public sealed class SocialSignInTests(SocialHostFixture host) : IClassFixture<SocialHostFixture>
{
    [Fact]
    public async Task Providers_ListsTheLocalIdp()
    {
        var response = await host.SendAsync(HttpMethod.Get, "api/v1/auth/social/providers");

        var providers = (await response.ReadJsonAsync()).GetProperty("data");
        var local = Assert.Single(providers.EnumerateArray());
        Assert.Equal(SocialHostFixture.Provider, local.GetProperty("name").GetString());
        Assert.Equal(SocialHostFixture.DisplayName, local.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task SignIn_CreatesAccountAndSocialSession_OnFirstSignInWithAVerifiedEmail()
    {
        using var browser = host.NewBrowser();
        var email = ApiTestClient.NewEmail();

        var tokens = await browser.SignInAsync(email);

        var accessToken = tokens.GetProperty("accessToken").GetString()!;
        var me = await host.GetJsonAsync(accessToken, "api/v1/me");
        Assert.Equal(email, me.GetProperty("email").GetString());
        var session = Assert.Single((await host.GetJsonAsync(accessToken, "api/v1/me/sessions")).GetProperty("data").EnumerateArray());
        Assert.Equal("social", session.GetProperty("authMethod").GetString());
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("deviceToken").GetString()));
        var link = Assert.Single((await host.GetJsonAsync(accessToken, "api/v1/me/social-accounts")).GetProperty("data").EnumerateArray());
        Assert.Equal(SocialHostFixture.Provider, link.GetProperty("provider").GetString());
        Assert.Equal(email, link.GetProperty("email").GetString());
    }

    [Fact]
    public async Task SignIn_Returns403AccountLocked_WhenSupportLockedTheAccount()
    {
        // Arrange: an account made by a social sign-in, which support then finds (with its link) and locks.
        var email = ApiTestClient.NewEmail();
        using (var first = host.NewBrowser())
        {
            await first.SignInAsync(email);
        }

        using var found = await host.SendAsOperatorAsync(HttpMethod.Get, $"api/v1/admin/users?email={email}");
        var account = await found.ReadJsonAsync();
        Assert.Equal(SocialHostFixture.Provider, Assert.Single(account.GetProperty("socialAccounts").EnumerateArray()).GetString());
        using var locked = await host.SendAsOperatorAsync(HttpMethod.Post, $"api/v1/admin/users/{account.GetProperty("id").GetString()}/lock", new { reason = "compromised" });
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);

        // Act: the provider vouches for the person again.
        using var browser = host.NewBrowser();
        await browser.SignInUpToPageAsync(email);
        using var completed = await browser.CompleteAsync();

        await completed.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.AccountLocked);
    }

    [Fact]
    public async Task SignIn_SignsInToTheSameAccount_OnASecondSignIn()
    {
        var email = ApiTestClient.NewEmail();
        using var first = host.NewBrowser();
        var firstUser = await UserIdOfAsync(await first.SignInAsync(email));
        using var second = host.NewBrowser();

        var secondUser = await UserIdOfAsync(await second.SignInAsync(email));

        Assert.Equal(firstUser, secondUser);
    }

    [Fact]
    public async Task Callback_RefusesAndLeavesAccountUntouched_WhenAPasswordAccountHasTheEmail()
    {
        var owner = await host.SignUpAsync();
        using var browser = host.NewBrowser();

        var page = await browser.SignInUpToPageAsync(owner.Email);

        Assert.Equal(ErrorCodes.SocialAccountNotLinked, SocialBrowser.FragmentOf(page)["social-error"]);
        await (await browser.CompleteAsync()).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.SocialSignInFailed);
        Assert.Empty((await host.GetJsonAsync(owner.AccessToken, "api/v1/me/social-accounts")).GetProperty("data").EnumerateArray());
        await host.Client.LoginAsync(owner.Email);
    }

    [Fact]
    public async Task Link_ConnectsTheAccount_ThenSignInReachesIt_AndUnlinkRemovesIt()
    {
        var owner = await host.SignUpAsync();
        using var browser = host.NewBrowser();
        var socialEmail = ApiTestClient.NewEmail();

        // Link, with a fresh sign-in (step-up); the callback links to whoever started it.
        var link = await browser.LinkAsync(owner.AccessToken);
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        var callback = await browser.SignInAtProviderAsync(new Uri((await link.ReadJsonAsync()).GetProperty("url").GetString()!), socialEmail);
        using var linked = await browser.CallbackAsync(callback);
        Assert.Equal(SocialHostFixture.Provider, SocialBrowser.FragmentOf(linked.Headers.Location!)["social-linked"]);
        var listed = Assert.Single((await host.GetJsonAsync(owner.AccessToken, "api/v1/me/social-accounts")).GetProperty("data").EnumerateArray());
        Assert.Contains(SecurityEventTypesOf(await host.GetJsonAsync(owner.AccessToken, "api/v1/me/security-events")), t => t == "social.linked");

        // Signing in with it reaches the password account.
        using var other = host.NewBrowser();
        Assert.Equal(owner.Id, await UserIdOfAsync(await other.SignInAsync(socialEmail)));

        // Unlink: gone from the list, and signing in with it no longer reaches the account.
        var unlinked = await host.SendAsync(HttpMethod.Delete, $"api/v1/me/social-accounts/{listed.GetProperty("id").GetString()}", bearer: owner.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, unlinked.StatusCode);
        Assert.Empty((await host.GetJsonAsync(owner.AccessToken, "api/v1/me/social-accounts")).GetProperty("data").EnumerateArray());
        Assert.Contains(SecurityEventTypesOf(await host.GetJsonAsync(owner.AccessToken, "api/v1/me/security-events")), t => t == "social.unlinked");
        using var after = host.NewBrowser();
        Assert.NotEqual(owner.Id, await UserIdOfAsync(await after.SignInAsync(socialEmail)));
    }

    [Fact]
    public async Task Link_IsRefused_WhenTheSocialAccountBelongsToAnotherUser()
    {
        var email = ApiTestClient.NewEmail();
        using var browser = host.NewBrowser();
        await browser.SignInAsync(email);
        var other = await host.SignUpAsync();

        var link = await browser.LinkAsync(other.AccessToken);
        var callback = await browser.SignInAtProviderAsync(new Uri((await link.ReadJsonAsync()).GetProperty("url").GetString()!), email);
        using var answer = await browser.CallbackAsync(callback);

        Assert.Equal(ErrorCodes.SocialAccountInUse, SocialBrowser.FragmentOf(answer.Headers.Location!)["social-error"]);
        Assert.Empty((await host.GetJsonAsync(other.AccessToken, "api/v1/me/social-accounts")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Unlink_IsRefused_WhenItIsTheLastWayToSignIn()
    {
        using var browser = host.NewBrowser();
        var accessToken = (await browser.SignInAsync(ApiTestClient.NewEmail())).GetProperty("accessToken").GetString()!;
        var link = Assert.Single((await host.GetJsonAsync(accessToken, "api/v1/me/social-accounts")).GetProperty("data").EnumerateArray());

        var response = await host.SendAsync(HttpMethod.Delete, $"api/v1/me/social-accounts/{link.GetProperty("id").GetString()}", bearer: accessToken);

        await response.AssertProblemAsync(HttpStatusCode.Conflict, ErrorCodes.LastSignInMethod);
        Assert.Single((await host.GetJsonAsync(accessToken, "api/v1/me/social-accounts")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Callback_RefusesAReplayedState_AndStartsNoSignIn()
    {
        using var browser = host.NewBrowser();
        var start = await browser.StartAsync();
        var flow = browser.Cookies.GetAllCookies().Single(c => c.Name == "bk_social_flow");
        var binding = new Cookie(flow.Name, flow.Value, flow.Path, flow.Domain);
        var callback = await browser.SignInAtProviderAsync(start, ApiTestClient.NewEmail());
        using (var first = await browser.CallbackAsync(callback))
        {
            Assert.True(SocialBrowser.FragmentOf(first.Headers.Location!).ContainsKey("social-sign-in"));
        }

        (await browser.CompleteAsync()).EnsureSuccessStatusCode();

        // The same callback again, with the flow cookie put back as an attacker replaying it would.
        browser.Cookies.Add(binding);
        using var replay = await browser.CallbackAsync(callback);

        Assert.Equal(ErrorCodes.SocialSignInFailed, SocialBrowser.FragmentOf(replay.Headers.Location!)["social-error"]);
        await (await browser.CompleteAsync()).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.SocialSignInFailed);
    }

    [Fact]
    public async Task Callback_RefusesAForgedState()
    {
        using var browser = host.NewBrowser();
        var callback = await browser.SignInAtProviderAsync(await browser.StartAsync(), ApiTestClient.NewEmail());
        var forged = new Uri(System.Text.RegularExpressions.Regex.Replace(callback.AbsoluteUri, "state=[^&]+", "state=" + new string('A', 43)));

        using var answer = await browser.CallbackAsync(forged);

        Assert.Equal(ErrorCodes.SocialSignInFailed, SocialBrowser.FragmentOf(answer.Headers.Location!)["social-error"]);
        await (await browser.CompleteAsync()).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.SocialSignInFailed);
    }

    [Fact]
    public async Task Callback_Refuses_WhenAnotherBrowserPresentsIt()
    {
        // Login CSRF: an attacker's own callback URL, opened in the victim's browser, must not sign the victim in.
        using var attacker = host.NewBrowser();
        var callback = await attacker.SignInAtProviderAsync(await attacker.StartAsync(), ApiTestClient.NewEmail());
        using var victim = host.NewBrowser();

        using var answer = await victim.CallbackAsync(callback);

        Assert.Equal(ErrorCodes.SocialSignInFailed, SocialBrowser.FragmentOf(answer.Headers.Location!)["social-error"]);
        await (await victim.CompleteAsync()).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.SocialSignInFailed);
    }

    [Fact]
    public async Task Complete_AsksForTheSecondFactor_WhenTwoFactorIsOn()
    {
        var email = ApiTestClient.NewEmail();
        using var browser = host.NewBrowser();
        var accessToken = (await browser.SignInAsync(email)).GetProperty("accessToken").GetString()!;
        var secret = await EnableTotpAsync(accessToken);

        await browser.SignInUpToPageAsync(email);
        await (await browser.CompleteAsync()).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);
        await (await browser.CompleteAsync("000000")).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        using var completed = await browser.CompleteAsync(CodeNow(secret));

        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var tokens = await completed.ReadJsonAsync();
        var sessions = (await host.GetJsonAsync(tokens.GetProperty("accessToken").GetString()!, "api/v1/me/sessions")).GetProperty("data");
        Assert.Contains(sessions.EnumerateArray(), s => s.GetProperty("current").GetBoolean() && s.GetProperty("authMethod").GetString() == "social+totp");
    }

    [Fact]
    public async Task Complete_GivesOneSession_WhenOnePendingSignInIsCompletedManyTimesAtOnce()
    {
        using var browser = host.NewBrowser();
        await browser.SignInUpToPageAsync(ApiTestClient.NewEmail());

        var answers = await Race.SendAsync(() => browser.CompleteAsync());

        Assert.Single(answers, a => a.Succeeded);
        answers.AssertEachSucceededOr(ErrorCodes.SocialSignInFailed);
    }

    private async Task<string> EnableTotpAsync(string accessToken)
    {
        var setup = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: accessToken);
        var secret = (await setup.ReadJsonAsync()).GetProperty("secret").GetString()!;
        var enabled = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = CodeNow(secret) }, accessToken);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        // The next code must be a fresh time step: each step is accepted once.
        host.Time.Advance(TimeSpan.FromSeconds(30));
        return secret;
    }

    private string CodeNow(string secret) => TotpCalculator.Default.Compute(Base32Encoding.ToBytes(secret), host.Time.GetUtcNow());

    private async Task<string> UserIdOfAsync(JsonElement tokens) =>
        (await host.GetJsonAsync(tokens.GetProperty("accessToken").GetString()!, "api/v1/me")).GetProperty("id").GetString()!;

    private static IEnumerable<string> SecurityEventTypesOf(JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("type").GetString()!);

}

using Microsoft.Playwright;

namespace Bkmark.Tests.Social;

/// <summary>Settings → Security in a real browser (headless Chromium) signing in through the real Local IdP's pages.</summary>
public sealed class SocialSignInBrowserTests(SocialHostFixture host) : BrowserTest, IClassFixture<SocialHostFixture>
{
    [Fact]
    public async Task SecurityPage_SignsInWithTheLocalIdp_AndListsTheConnectedAccount()
    {
        var email = ApiTestClient.NewEmail();
        var page = await (await NewContextAsync()).NewPageAsync();
        await page.GotoAsync(new Uri(host.BaseAddress, "api/settings/security").AbsoluteUri);
        await page.Locator("body[data-ready=true]").WaitForAsync();

        // The button leads to the provider's own sign-in form, which takes any email and password, then consent.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Sign in with {SocialHostFixture.DisplayName}" }).ClickAsync();
        await page.Locator("input[name=login]").FillAsync(email);
        await page.Locator("input[name=password]").FillAsync("any password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

        // Back on the page: signed in as that address, this session by "social", the account listed as connected.
        await Assertions.Expect(page.Locator("#account-email")).ToHaveTextAsync(email);
        await Assertions.Expect(page.Locator("#social-account-list")).ToContainTextAsync(SocialHostFixture.DisplayName);
        await Assertions.Expect(page.Locator("#social-account-list")).ToContainTextAsync(email);
        await Assertions.Expect(page.Locator("#session-list > li").Filter(new() { HasText = "This device" })).ToContainTextAsync("social");
        Assert.DoesNotContain("#", page.Url, StringComparison.Ordinal);
    }
}

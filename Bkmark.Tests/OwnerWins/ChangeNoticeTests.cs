using Bkmark.Tests.Social;

namespace Bkmark.Tests.OwnerWins;

/// <summary>
/// DESIGN.md §14, notices: what an intruder could add or change quietly is told to the owner by email, and recorded as a
/// security event; end to end, from the action over HTTP to MailDev.
/// </summary>
public sealed class ChangeNoticeTests(SocialHostFixture host) : IClassFixture<SocialHostFixture>
{
    [Fact]
    public async Task LinkAndUnlinkSocialAccount_EmailTheOwnerEachTime()
    {
        var user = await host.SignUpAsync();
        using var browser = host.NewBrowser();
        using var link = await browser.LinkAsync(user.AccessToken);
        var callback = await browser.SignInAtProviderAsync(new Uri((await link.ReadJsonAsync()).GetProperty("url").GetString()!), ApiTestClient.NewEmail());
        using var linked = await browser.CallbackAsync(callback);
        var linkedEmail = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject == "A social account was connected to your Bkmark account");
        var socialId = (await host.GetJsonAsync(user.AccessToken, "api/v1/me/social-accounts")).GetProperty("data")[0].GetProperty("id").GetString()!;

        using var unlinked = await host.SendAsync(HttpMethod.Delete, $"api/v1/me/social-accounts/{socialId}", bearer: user.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, unlinked.StatusCode);
        Assert.Contains($"A {SocialHostFixture.Provider} account was connected", linkedEmail.Text, StringComparison.Ordinal);
        var unlinkedEmail = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject == "A social account was disconnected from your Bkmark account");
        Assert.Contains("no longer signs in", unlinkedEmail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskForEmailChange_EmailsTheAddressTheAccountHasNow_AndRecordsTheEvent()
    {
        var user = await host.SignUpAsync();
        var newEmail = ApiTestClient.NewEmail();

        using var asked = await host.SendAsync(HttpMethod.Post, "api/v1/me/email", new { newEmail, password = ApiTestClient.Password }, user.AccessToken);

        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        var notice = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject == "A change of your Bkmark email address was asked for");
        Assert.DoesNotContain(newEmail, notice.Text, StringComparison.Ordinal);
        var events = (await host.GetJsonAsync(user.AccessToken, "api/v1/me/security-events")).GetProperty("data").EnumerateArray();
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "email.change_requested");
    }

    [Fact]
    public async Task RollApiKey_AndChangeItsLimits_EmailTheOwnerEachTime_NamingTheKeysPrefix()
    {
        var user = await host.SignUpAsync("pro");
        var key = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "k", scopes = new[] { "bookmarks:read" } }, user.AccessToken, HttpStatusCode.Created);
        var id = key.GetProperty("id").GetString()!;
        var rolled = await host.SendForJsonAsync(HttpMethod.Post, $"api/v1/api-keys/{id}/roll", new { expiresPreviousIn = 0 }, user.AccessToken, HttpStatusCode.Created);
        // The notice names the key by the prefix its list now shows: the new value's.
        var prefix = rolled.GetProperty("keyPrefix").GetString()!;
        await host.SendForJsonAsync(HttpMethod.Patch, $"api/v1/api-keys/{id}", new { rateLimitPerMinute = 10 }, user.AccessToken);

        var rolledEmail = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject == "An API key of your Bkmark account was rolled");
        var changedEmail = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject == "An API key of your Bkmark account was changed");
        Assert.Contains(prefix, rolledEmail.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(rolled.GetProperty("key").GetString()!, rolledEmail.Text, StringComparison.Ordinal);
        Assert.Contains("rate limit", changedEmail.Text, StringComparison.Ordinal);
    }
}

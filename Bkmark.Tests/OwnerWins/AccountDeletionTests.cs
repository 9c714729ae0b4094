using Bkmark.Tests.Social;

namespace Bkmark.Tests.OwnerWins;

/// <summary>DESIGN.md §14, "deleted means gone": no credential of a deleted account works one request later.</summary>
public sealed class AccountDeletionTests(SocialHostFixture host) : IClassFixture<SocialHostFixture>
{
    [Fact]
    public async Task SocialSignIn_AfterDeleteMe_ReturnsNoTokensForTheDeletedAccount()
    {
        // Arrange: an account made by a social sign-in, with a bookmark; a second sign-in waits for the page.
        var email = ApiTestClient.NewEmail();
        using var browser = host.NewBrowser();
        var tokens = await browser.SignInAsync(email);
        var access = tokens.GetProperty("accessToken").GetString()!;
        var deletedId = (await host.GetJsonAsync(access, "api/v1/me")).GetProperty("id").GetString()!;
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://example.com/gone" }, access, HttpStatusCode.Created);
        using var pending = host.NewBrowser();
        await pending.SignInUpToPageAsync(email);

        // Act
        using var deleted = await host.SendAsync(HttpMethod.Delete, "api/v1/me", bearer: access);
        using var completed = await pending.CompleteAsync();
        using var again = host.NewBrowser();
        var afterwards = await again.SignInAsync(email);

        // Assert: the pending sign-in named the deleted account and signs nobody in; a new sign-in makes a new, empty account.
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await completed.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.SocialSignInFailed);
        var fresh = afterwards.GetProperty("accessToken").GetString()!;
        Assert.NotEqual(deletedId, (await host.GetJsonAsync(fresh, "api/v1/me")).GetProperty("id").GetString());
        Assert.Empty((await host.GetJsonAsync(fresh, "api/v1/bookmarks")).GetProperty("data").EnumerateArray());
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
    }

    [Fact]
    public async Task DeleteMe_NeedsTheSecondFactor_WhenTwoFactorIsOn()
    {
        var user = await host.SignUpAsync();
        var secret = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: user.AccessToken)).GetProperty("secret").GetString()!;
        var backupCodes = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = Totp(secret) }, user.AccessToken))
            .GetProperty("backupCodes").EnumerateArray().Select(c => c.GetString()!).ToArray();

        using var withoutCode = await host.SendAsync(HttpMethod.Delete, "api/v1/me", new { password = ApiTestClient.Password }, user.AccessToken);
        using var withCode = await host.SendAsync(HttpMethod.Delete, "api/v1/me", new { password = ApiTestClient.Password, twoFactorCode = backupCodes[0] }, user.AccessToken);

        await withoutCode.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);
        Assert.Equal(HttpStatusCode.NoContent, withCode.StatusCode);
    }

    [Fact]
    public async Task DeleteMe_RemovesPublishableKeysAndSocialLinks_AndStopsApiKeys()
    {
        var user = await host.SignUpAsync("pro");
        var groupId = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/groups", new { name = "g" }, user.AccessToken, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        await host.SendForJsonAsync(HttpMethod.Patch, $"api/v1/groups/{groupId}", new { @public = true }, user.AccessToken);
        var publishable = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/publishable-keys",
            new { name = "p", groupIds = new[] { groupId }, allowedOrigins = new[] { "https://example.com" } }, user.AccessToken, HttpStatusCode.Created)).GetProperty("key").GetString()!;
        var apiKey = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "k", scopes = new[] { "bookmarks:read" } }, user.AccessToken, HttpStatusCode.Created))
            .GetProperty("key").GetString()!;
        var testKey = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "t", scopes = new[] { "bookmarks:write" }, environment = "test" }, user.AccessToken, HttpStatusCode.Created))
            .GetProperty("key").GetString()!;
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://example.com/sandboxed" }, testKey, HttpStatusCode.Created);
        var socialEmail = ApiTestClient.NewEmail();
        using (var browser = host.NewBrowser())
        {
            var link = await browser.LinkAsync(user.AccessToken);
            var callback = await browser.SignInAtProviderAsync(new Uri((await link.ReadJsonAsync()).GetProperty("url").GetString()!), socialEmail);
            using var linked = await browser.CallbackAsync(callback);
        }

        using var deleted = await host.SendAsync(HttpMethod.Delete, "api/v1/me", bearer: user.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: apiKey)).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: testKey)).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.SendAsync(HttpMethod.Get, $"api/v1/public/{publishable}/groups/{groupId}/bookmarks")).StatusCode);
        // The social identity is free again: signing in with it makes a new account instead of reaching the deleted one.
        using var again = host.NewBrowser();
        var fresh = (await again.SignInAsync(socialEmail)).GetProperty("accessToken").GetString()!;
        Assert.NotEqual(user.Id, (await host.GetJsonAsync(fresh, "api/v1/me")).GetProperty("id").GetString());
    }

    [Fact]
    public async Task DeleteMe_Returns409OrganisationOwnerRequired_ForTheSoleOwnerOfAnOrganisationWithOtherMembers()
    {
        var owner = await host.SignUpAsync("team");
        var shared = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/orgs", new { name = "Shared" }, owner.AccessToken, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var member = await host.SignUpAsync();
        await host.SendForJsonAsync(HttpMethod.Post, $"api/v1/orgs/{shared}/invitations", new { email = member.Email, role = "admin" }, owner.AccessToken, HttpStatusCode.Accepted);
        var invitation = await MailDevInbox.WaitForEmailAsync(member.Email, e => e.Subject.StartsWith("Join ", StringComparison.Ordinal));
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/orgs/invitations/accept", new { token = invitation.Token }, member.AccessToken);

        using var refused = await host.SendAsync(HttpMethod.Delete, "api/v1/me", bearer: owner.AccessToken);
        await host.SendForJsonAsync(HttpMethod.Patch, $"api/v1/orgs/{shared}/members/{member.Id}", new { role = "owner" }, owner.AccessToken);
        using var deleted = await host.SendAsync(HttpMethod.Delete, "api/v1/me", bearer: owner.AccessToken);

        await refused.AssertProblemAsync(HttpStatusCode.Conflict, ErrorCodes.OrganisationOwnerRequired);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var members = (await host.GetJsonAsync(member.AccessToken, $"api/v1/orgs/{shared}/members")).GetProperty("data").EnumerateArray();
        Assert.Equal([member.Id], members.Select(m => m.GetProperty("userId").GetString()));
    }

    [Fact]
    public async Task DeleteMe_DeletesAnOrganisationItsOwnerWasAloneIn_AndStopsItsKeys()
    {
        var owner = await host.SignUpAsync("team");
        var alone = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/orgs", new { name = "Solo" }, owner.AccessToken, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var orgKey = (await host.SendForJsonAsync(HttpMethod.Post, $"api/v1/orgs/{alone}/api-keys", new { name = "k", scopes = new[] { "bookmarks:read" } }, owner.AccessToken, HttpStatusCode.Created))
            .GetProperty("key").GetString()!;

        using var deleted = await host.SendAsync(HttpMethod.Delete, "api/v1/me", bearer: owner.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{alone}/bookmarks", bearer: orgKey)).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
    }

    private string Totp(string secret) =>
        Bkmark.Core.TwoFactor.TotpCalculator.Default.Compute(OtpNet.Base32Encoding.ToBytes(secret), host.Time.GetUtcNow());
}

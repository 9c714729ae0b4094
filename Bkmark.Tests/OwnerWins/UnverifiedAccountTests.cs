using Bkmark.Tests.Social;

namespace Bkmark.Tests.OwnerWins;

/// <summary>
/// DESIGN.md §14, "an unverified account cannot be armed": until its address is confirmed an account may use its
/// library, but nothing it adds could outlive the owner's reclaiming it (pre-account takeover).
/// </summary>
public sealed class UnverifiedAccountTests(SocialHostFixture host) : IClassFixture<SocialHostFixture>
{
    [Fact]
    public async Task ArmingRoutes_Return403EmailNotVerified_UntilTheAddressIsConfirmed()
    {
        // Arrange: a Team account that never followed its link.
        var (userId, email) = await host.Client.RegisterAsync();
        (await host.SetPlanAsync(userId, "team")).EnsureSuccessStatusCode();
        var access = (await host.Client.LoginAsync(email)).GetProperty("accessToken").GetString()!;
        var groupId = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/groups", new { name = "g" }, access, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        using var browser = host.NewBrowser();

        // Act
        var refused = new Dictionary<string, HttpResponseMessage>
        {
            ["totp"] = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: access),
            ["passkey"] = await host.SendAsync(HttpMethod.Post, "api/v1/me/passkeys/options", bearer: access),
            ["social"] = await browser.LinkAsync(access),
            ["api key"] = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "k", scopes = new[] { "bookmarks:read" } }, access),
            ["test key"] = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "k", scopes = new[] { "bookmarks:read" }, environment = "test" }, access),
            ["publishable key"] = await host.SendAsync(
                HttpMethod.Post, "api/v1/publishable-keys", new { name = "p", groupIds = new[] { groupId }, allowedOrigins = new[] { "https://example.com" } }, access),
            ["organisation"] = await host.SendAsync(HttpMethod.Post, "api/v1/orgs", new { name = "Acme" }, access),
        };
        var library = await host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://example.com/" }, access);
        await host.Client.VerifyEmailAsync(userId, email);
        var afterVerifying = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: access);

        // Assert
        foreach (var (action, response) in refused)
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.EmailNotVerified);
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), action);
        }

        Assert.Equal(HttpStatusCode.Created, library.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterVerifying.StatusCode);
        Assert.Empty((await host.GetJsonAsync(access, "api/v1/api-keys")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task AcceptInvitation_Returns403EmailNotVerified_AndLeavesTheInvitationForAfterConfirming()
    {
        // Arrange
        var owner = await host.SignUpAsync("team");
        var orgId = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/orgs", new { name = "Acme" }, owner.AccessToken, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var (inviteeId, inviteeEmail) = await host.Client.RegisterAsync();
        var invitee = (await host.Client.LoginAsync(inviteeEmail)).GetProperty("accessToken").GetString()!;
        await host.SendForJsonAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/invitations", new { email = inviteeEmail, role = "member" }, owner.AccessToken, HttpStatusCode.Accepted);
        var token = (await MailDevInbox.WaitForEmailAsync(inviteeEmail, e => e.Subject.StartsWith("Join ", StringComparison.Ordinal))).Token;

        // Act
        var unverified = await host.SendAsync(HttpMethod.Post, "api/v1/orgs/invitations/accept", new { token }, invitee);
        await host.Client.VerifyEmailAsync(inviteeId, inviteeEmail);
        var verified = await host.SendAsync(HttpMethod.Post, "api/v1/orgs/invitations/accept", new { token }, invitee);

        // Assert
        await unverified.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.EmailNotVerified);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
    }
}

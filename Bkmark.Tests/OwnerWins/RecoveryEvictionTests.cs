namespace Bkmark.Tests.OwnerWins;

/// <summary>
/// DESIGN.md §14, "recovery evicts": the owner changes or resets the password, or signs out the other sessions, while
/// an intruder holds a session, a refresh token, a pending link and a remembered device; afterwards none of it works.
/// </summary>
public sealed class RecoveryEvictionTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private const string NewPassword = "a brand new passphrase";

    [Fact]
    public async Task ChangePassword_EndsOtherSessions_VoidsOtherLinks_AndForgetsOldDevices()
    {
        // Arrange: the intruder signed in once (a session, a device token) and asked for a reset link.
        var owner = await host.SignUpAsync();
        var intruder = await host.Client.LoginAsync(owner.Email);
        var staleReset = await ResetLinkAsync(owner.Email);

        // Act
        using var changed = await host.SendAsync(
            HttpMethod.Post, "api/v1/me/password", new { currentPassword = ApiTestClient.Password, newPassword = NewPassword }, owner.AccessToken);

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        await AssertSessionEndedAsync(intruder);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = staleReset, newPassword = "the intruder's choice" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidToken);
        await host.GetJsonAsync(owner.AccessToken, "api/v1/me");
        await AssertDeviceTokenForgottenAsync(owner.Email, NewPassword, intruder.GetProperty("deviceToken").GetString()!);
    }

    [Fact]
    public async Task PasswordReset_EndsEverySession_AndVoidsEveryOtherLink()
    {
        var owner = await host.SignUpAsync();
        var intruderMailbox = ApiTestClient.NewEmail();
        Assert.Equal(HttpStatusCode.Accepted, (await host.SendAsync(HttpMethod.Post, "api/v1/me/email", new { newEmail = intruderMailbox, password = ApiTestClient.Password }, owner.AccessToken)).StatusCode);
        var pendingChange = (await MailDevInbox.WaitForEmailAsync(intruderMailbox)).Token;
        var otherReset = await ResetLinkAsync(owner.Email);
        var reset = await ResetLinkAsync(owner.Email, skip: otherReset);

        using var completed = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = reset, newPassword = NewPassword });

        Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
        await AssertSessionEndedAsync(owner.Tokens);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/email/confirm-change", new { token = pendingChange }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidToken);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = otherReset, newPassword = "the intruder's choice" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidToken);
        Assert.Equal(owner.Email, (await host.GetJsonAsync(await SignInAsync(owner.Email, NewPassword), "api/v1/me")).GetProperty("email").GetString());
    }

    [Fact]
    public async Task RevokeOthers_EndsEveryOtherSessionAndItsRefreshToken()
    {
        var owner = await host.SignUpAsync();
        var intruder = await host.Client.LoginAsync(owner.Email);

        var revoked = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/sessions/revoke-others", bearer: owner.AccessToken);

        Assert.Equal(1, revoked.GetProperty("revoked").GetInt32());
        await AssertSessionEndedAsync(intruder);
        await host.GetJsonAsync(owner.AccessToken, "api/v1/me");
    }

    [Fact]
    public async Task EmailChangeLink_Dies_WhenAnotherChangeIsAskedFor()
    {
        var owner = await host.SignUpAsync();
        var first = ApiTestClient.NewEmail();
        var second = ApiTestClient.NewEmail();
        Assert.Equal(HttpStatusCode.Accepted, (await host.SendAsync(HttpMethod.Post, "api/v1/me/email", new { newEmail = first, password = ApiTestClient.Password }, owner.AccessToken)).StatusCode);
        var firstLink = (await MailDevInbox.WaitForEmailAsync(first)).Token;

        Assert.Equal(HttpStatusCode.Accepted, (await host.SendAsync(HttpMethod.Post, "api/v1/me/email", new { newEmail = second, password = ApiTestClient.Password }, owner.AccessToken)).StatusCode);
        var secondLink = (await MailDevInbox.WaitForEmailAsync(second)).Token;

        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/email/confirm-change", new { token = firstLink }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidToken);
        Assert.Equal(second, (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/email/confirm-change", new { token = secondLink })).GetProperty("email").GetString());
        // The old address was told when the change was asked for, before anything changed.
        await MailDevInbox.WaitForEmailAsync(owner.Email, e => e.Subject == "A change of your Bkmark email address was asked for");
    }

    [Fact]
    public async Task EmailChangeLink_Dies_WhenThePasswordChanges()
    {
        var owner = await host.SignUpAsync();
        var intruderMailbox = ApiTestClient.NewEmail();
        Assert.Equal(HttpStatusCode.Accepted, (await host.SendAsync(HttpMethod.Post, "api/v1/me/email", new { newEmail = intruderMailbox, password = ApiTestClient.Password }, owner.AccessToken)).StatusCode);
        var link = (await MailDevInbox.WaitForEmailAsync(intruderMailbox)).Token;

        using var changed = await host.SendAsync(
            HttpMethod.Post, "api/v1/me/password", new { currentPassword = ApiTestClient.Password, newPassword = NewPassword }, owner.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/email/confirm-change", new { token = link }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidToken);
        Assert.Equal(owner.Email, (await host.GetJsonAsync(owner.AccessToken, "api/v1/me")).GetProperty("email").GetString());
    }

    private async Task AssertSessionEndedAsync(JsonElement tokens)
    {
        await (await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: tokens.GetProperty("accessToken").GetString()))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
    }

    /// <summary>
    /// A device token from before the recovery counts as an unknown device: with the unknown-devices counter locked by a
    /// stranger's failures, it is refused like any stranger, while a device token issued since still signs in.
    /// </summary>
    private async Task AssertDeviceTokenForgottenAsync(string email, string password, string staleDeviceToken)
    {
        var fresh = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password })).GetProperty("deviceToken").GetString();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var _ = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password = "a stranger's guess" });
        }

        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password, deviceToken = staleDeviceToken }))
            .AssertProblemAsync(HttpStatusCode.TooManyRequests, ErrorCodes.TooManyAttempts);
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password, deviceToken = fresh });
    }

    private async Task<string> ResetLinkAsync(string email, string? skip = null)
    {
        await host.Client.PostAsJsonAsync("api/v1/auth/password-reset", new { email });
        return (await MailDevInbox.WaitForEmailAsync(email, e => e.Subject == "Reset your Bkmark password" && e.Token != skip)).Token;
    }

    private async Task<string> SignInAsync(string email, string password) =>
        (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password })).GetProperty("accessToken").GetString()!;
}

namespace Bkmark.Tests.OwnerWins;

/// <summary>
/// DESIGN.md §14, "a stranger cannot block the owner anywhere": every password check outside sign-in follows the §7
/// device-token rule, so a stranger's failed sign-ins lock out strangers only, not the owner on their own device.
/// </summary>
public sealed class PasswordCheckThrottleTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task PasswordChecks_OnTheOwnersDevice_Work_WhileAStrangerHasLockedOutUnknownDevices()
    {
        // Arrange: the owner's device token from their sign-in; a stranger's five wrong guesses from elsewhere.
        var owner = await host.SignUpAsync();
        var deviceToken = owner.Tokens.GetProperty("deviceToken").GetString();
        for (var guess = 0; guess < 5; guess++)
        {
            using var _ = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = owner.Email, password = "a stranger's guess" });
        }

        // Act
        using var withoutDevice = await host.SendAsync(HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = ApiTestClient.Password }, owner.AccessToken);
        var reauthenticated = await host.SendForJsonAsync(
            HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = ApiTestClient.Password, deviceToken }, owner.AccessToken);
        var access = reauthenticated.GetProperty("accessToken").GetString()!;
        using var emailChange = await host.SendAsync(
            HttpMethod.Post, "api/v1/me/email", new { newEmail = ApiTestClient.NewEmail(), password = ApiTestClient.Password, deviceToken }, access);
        using var passwordChange = await host.SendAsync(
            HttpMethod.Post, "api/v1/me/password", new { currentPassword = ApiTestClient.Password, newPassword = "a new passphrase", deviceToken }, access);

        // Assert
        await withoutDevice.AssertProblemAsync(HttpStatusCode.TooManyRequests, ErrorCodes.TooManyAttempts);
        Assert.Equal(HttpStatusCode.Accepted, emailChange.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, passwordChange.StatusCode);
    }
}

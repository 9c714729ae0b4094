using Bkmark.Core.TwoFactor;

namespace Bkmark.Tests.TwoFactor;

/// <summary>
/// DESIGN §14, a lost authenticator is recoverable by its backup codes: over HTTP through the local host, against Azurite and
/// MailDev. A backup code proves the second factor at re-authentication, and within the step-up age of that proof the person
/// replaces the authenticator, makes new backup codes or turns two-factor off without a code from the lost app.
/// </summary>
public sealed partial class TwoFactorEndpointsTests
{
    [Fact]
    public async Task ReplaceAuthenticator_WorksWithABackupCodeAlone_AndTheOldAppWorksUntilTheNewOneIsEnabled()
    {
        // Arrange: the person signed in a while ago and has lost the phone with the app.
        var email = NewEmail();
        var (token, oldSecret, oldBackupCodes) = await EnrolAsync(email);
        host.Time.Advance(TimeSpan.FromMinutes(11));

        // Act: re-authenticate with a backup code, set up the new app, check the old one still signs in, then enable the new one.
        var stale = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: token);
        var reauthenticated = await ReauthenticateAsync(token, oldBackupCodes[0]);
        var fresh = reauthenticated.GetProperty("accessToken").GetString()!;
        var setup = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", null, fresh);
        var newSecret = setup.GetProperty("secret").GetString()!;
        var oldAppBeforeEnable = await LoginAsync(email, Password, CodeNow(oldSecret));
        var enabled = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = CodeNow(newSecret) }, fresh);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var oldAppAfter = await LoginAsync(email, Password, CodeNow(oldSecret));
        var oldBackupCodeAfter = await LoginAsync(email, Password, oldBackupCodes[1]);
        var newApp = await LoginAsync(email, Password, CodeNow(newSecret));
        var newBackupCode = await LoginAsync(email, Password, enabled.GetProperty("backupCodes")[0].GetString());
        var status = await host.GetJsonAsync(fresh, "api/v1/me/two-factor");
        var events = await EventsAsync(fresh);

        // Assert
        await stale.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal(HttpStatusCode.OK, oldAppBeforeEnable.StatusCode);
        Assert.True(enabled.GetProperty("replaced").GetBoolean());
        Assert.Equal(BackupCodes.Count, enabled.GetProperty("backupCodes").GetArrayLength());
        await oldAppAfter.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        await oldBackupCodeAfter.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        Assert.Equal(HttpStatusCode.OK, newApp.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newBackupCode.StatusCode);
        Assert.Equal(BackupCodes.Count - 1, status.GetProperty("backupCodesRemaining").GetInt32());
        var reauthentication = Assert.Single(events, e => e.GetProperty("type").GetString() == "reauthenticated");
        Assert.Equal("password+backupcode", reauthentication.GetProperty("details").GetProperty("method").GetString());
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "backupcode.used");
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "twofactor.replaced");
        Assert.Single(events, e => e.GetProperty("type").GetString() == "twofactor.enabled");
        var notice = await MailDevInbox.WaitForEmailAsync(email, e => e.Subject == "Your Bkmark authenticator app was replaced");
        Assert.Contains("codes from the previous one no longer work", notice.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegenerateAndDisable_WithoutACode_NeedARecentBackupCodeProof_AndEachTellsTheOwner()
    {
        // Arrange
        var email = NewEmail();
        var (token, _, oldBackupCodes) = await EnrolAsync(email);

        // Act: without a code on a password sign-in, then after a re-authentication with a backup code.
        var regenerateOnPassword = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/backup-codes", new { }, token);
        var disableOnPassword = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/disable", new { }, token);
        var fresh = (await ReauthenticateAsync(token, oldBackupCodes[0])).GetProperty("accessToken").GetString()!;
        var regenerated = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/backup-codes", new { }, fresh);
        var oldBackupCode = await LoginAsync(email, Password, oldBackupCodes[1]);
        var disabled = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/disable", new { }, fresh);
        var passwordOnly = await LoginAsync(email, Password, null);
        var events = await EventsAsync(fresh);

        // Assert
        await regenerateOnPassword.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        await disableOnPassword.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        Assert.Equal(BackupCodes.Count, regenerated.GetProperty("backupCodes").GetArrayLength());
        await oldBackupCode.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, passwordOnly.StatusCode);
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "backupcodes.regenerated");
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "twofactor.disabled");
        await MailDevInbox.WaitForEmailAsync(email, e => e.Subject == "New backup codes were made for your Bkmark account");
        await MailDevInbox.WaitForEmailAsync(email, e => e.Subject == "Two-factor authentication was turned off");
    }

    [Fact]
    public async Task Reauthenticate_WithOneBackupCodeFortyTimesAtOnce_SucceedsOnce_AndSpendsOneCode()
    {
        // Arrange
        var (token, _, backupCodes) = await EnrolAsync(NewEmail());

        // Act
        var answers = await Race.SendAsync(
            () => host.SendAsync(HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = Password, twoFactorCode = backupCodes[0] }, token),
            copies: 40);
        var status = await host.GetJsonAsync(token, "api/v1/me/two-factor");

        // Assert
        Assert.Single(answers, answer => answer.Succeeded);
        answers.AssertEachSucceededOr(ErrorCodes.InvalidTwoFactorCode, ErrorCodes.TooManyAttempts, ErrorCodes.Conflict);
        Assert.Equal(BackupCodes.Count - 1, status.GetProperty("backupCodesRemaining").GetInt32());
    }

    [Fact]
    public async Task EnableReplacement_RacedWithOneCode_IsConfirmedOnce_AndLeavesOneBackupCodeSet()
    {
        // Arrange
        var (token, _, backupCodes) = await EnrolAsync(NewEmail());
        var fresh = (await ReauthenticateAsync(token, backupCodes[0])).GetProperty("accessToken").GetString()!;
        var newSecret = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", null, fresh)).GetProperty("secret").GetString()!;
        var code = CodeNow(newSecret);

        // Act
        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code }, fresh));
        var status = await host.GetJsonAsync(fresh, "api/v1/me/two-factor");
        var again = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code }, fresh);

        // Assert
        var winner = Assert.Single(answers, answer => answer.Succeeded);
        answers.AssertEachSucceededOr(ErrorCodes.Conflict, ErrorCodes.InvalidTwoFactorCode, ErrorCodes.TooManyAttempts);
        Assert.True(winner.Json.GetProperty("replaced").GetBoolean());
        Assert.Equal(BackupCodes.Count, status.GetProperty("backupCodesRemaining").GetInt32());
        await again.AssertProblemAsync(HttpStatusCode.Conflict, ErrorCodes.Conflict);
    }

    [Fact]
    public async Task Intruder_WhoKnowsThePasswordButNotTheSecondFactor_CannotReplaceDisableOrRegenerate_AndTheOwnerKeepsTheirApp()
    {
        // Arrange: the intruder signed in with the password before the owner turned two-factor on.
        var email = NewEmail();
        await host.Client.RegisterVerifiedAsync(email);
        var intruder = (await host.Client.LoginAsync(email)).GetProperty("accessToken").GetString()!;
        var ownerToken = (await host.Client.LoginAsync(email)).GetProperty("accessToken").GetString()!;
        var ownerSecret = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", null, ownerToken)).GetProperty("secret").GetString()!;
        var ownerCodes = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = CodeNow(ownerSecret) }, ownerToken))
            .GetProperty("backupCodes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        host.Time.Advance(TimeSpan.FromSeconds(30));

        // Act: the intruder acts first, with the password and guesses; the owner comes later with the app.
        var intruderReauthPassword = await host.SendAsync(HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = Password }, intruder);
        var intruderReauthGuess = await host.SendAsync(
            HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = Password, twoFactorCode = "abcde-fghjk" }, intruder);
        var intruderSetup = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: intruder);
        var intruderRegenerate = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/backup-codes", new { }, intruder);
        var intruderDisable = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/disable", new { }, intruder);
        var intruderSignIn = await LoginAsync(email, Password, null);
        var ownerSignIn = await LoginAsync(email, Password, CodeNow(ownerSecret));
        var ownerBackupCode = await LoginAsync(email, Password, ownerCodes[0]);
        var ownerStatus = await host.GetJsonAsync(ownerToken, "api/v1/me/two-factor");
        var noReplacementWaiting = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = CodeNow(ownerSecret) }, ownerToken);

        // Assert
        await intruderReauthPassword.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);
        await intruderReauthGuess.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        await intruderSetup.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        await intruderRegenerate.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        await intruderDisable.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        await intruderSignIn.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);
        Assert.Equal(HttpStatusCode.OK, ownerSignIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownerBackupCode.StatusCode);
        Assert.True(ownerStatus.GetProperty("enabled").GetBoolean());
        Assert.Equal(BackupCodes.Count - 1, ownerStatus.GetProperty("backupCodesRemaining").GetInt32());
        await noReplacementWaiting.AssertProblemAsync(HttpStatusCode.Conflict, ErrorCodes.Conflict);
    }

    private async Task<JsonElement> ReauthenticateAsync(string token, string twoFactorCode) =>
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = Password, twoFactorCode }, token);

    private async Task<JsonElement[]> EventsAsync(string token) =>
        [.. (await host.GetJsonAsync(token, "api/v1/me/security-events?limit=100")).GetProperty("data").EnumerateArray()];
}

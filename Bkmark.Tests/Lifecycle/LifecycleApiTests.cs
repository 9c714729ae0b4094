using Bkmark.Core.Accounts;
using Bkmark.Core.TwoFactor;
using OtpNet;

namespace Bkmark.Tests.Lifecycle;

/// <summary>
/// The lifecycle end to end: over HTTP through the local host, on Azurite, with every email read from MailDev
/// after it went through the outbox queue and SMTP, and its link followed as the page would.
/// </summary>
public sealed class LifecycleApiTests(LifecycleHostFixture host) : IClassFixture<LifecycleHostFixture>
{
    private const string NewPassword = "a brand new passphrase";

    [Fact]
    public async Task Register_EmailsALink_ThatVerifiesTheAddressOnce()
    {
        var (_, email) = await host.Client.RegisterAsync();
        var tokens = await host.Client.LoginAsync(email);
        var access = tokens.GetProperty("accessToken").GetString()!;

        var link = await MailDevInbox.WaitForEmailAsync(email, e => e.Subject.Contains("Confirm your email", StringComparison.Ordinal));
        var before = await (await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: access)).ReadJsonAsync();
        using var verified = await host.SendAsync(HttpMethod.Post, "api/v1/auth/email/verify", new { token = link.Token });
        using var again = await host.SendAsync(HttpMethod.Post, "api/v1/auth/email/verify", new { token = link.Token });
        var after = await (await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: access)).ReadJsonAsync();

        Assert.False(before.GetProperty("emailVerified").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.True((await verified.ReadJsonAsync()).GetProperty("emailVerified").GetBoolean());
        Assert.True(after.GetProperty("emailVerified").GetBoolean());
        await again.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidToken);
        Assert.Contains("/api/settings/security#action=verify-email&token=bkl_", link.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgotPassword_LinkResetsIt_EndsOldSessions_AndWorksOnce()
    {
        var user = await host.Client.SignUpAsync();
        var refreshToken = user.Tokens.GetProperty("refreshToken").GetString()!;

        using var requested = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset", new { email = user.Email });
        var link = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject.Contains("Reset your Bkmark password", StringComparison.Ordinal));
        using var reset = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = link.Token, newPassword = NewPassword });
        using var secondUse = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = link.Token, newPassword = "yet another passphrase" });

        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        await secondUse.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidToken);
        await (await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: user.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken })).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = user.Email, password = Password })).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = user.Email, password = NewPassword })).StatusCode);
        var notice = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject.Contains("password was reset", StringComparison.Ordinal));
        Assert.Contains("127.0.0.1", notice.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgotPassword_Answers202AndEmailsNoLink_WhenNoAccountHasTheAddress()
    {
        var nobody = ApiTestClient.NewEmail();

        using var requested = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset", new { email = nobody });
        var note = await MailDevInbox.WaitForEmailAsync(nobody);

        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        Assert.Contains("there is no Bkmark account", note.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("token=", note.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteReset_SucceedsOnce_WhenTwentyUseOneLinkAtOnce()
    {
        var user = await host.Client.SignUpAsync();
        await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset", new { email = user.Email });
        var token = (await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject.Contains("Reset", StringComparison.Ordinal))).Token;

        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token, newPassword = NewPassword }));

        Assert.Single(answers, a => a.Succeeded);
        answers.AssertEachSucceededOr(ErrorCodes.InvalidToken);
    }

    [Fact]
    public async Task CompleteReset_ReturnsTwoFactorRequired_WhenTwoFactorIsOnAndNoCodeIsSent()
    {
        var user = await host.Client.SignUpAsync();
        var setup = await (await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: user.AccessToken)).ReadJsonAsync();
        var secret = Base32Encoding.ToBytes(setup.GetProperty("secret").GetString()!);
        using var enabled = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = TotpCalculator.Default.Compute(secret, host.Time.GetUtcNow()) }, user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset", new { email = user.Email });
        var token = (await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject.Contains("Reset", StringComparison.Ordinal))).Token;

        using var withoutCode = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token, newPassword = NewPassword });
        host.Time.Advance(TimeSpan.FromSeconds(30));
        using var withCode = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete",
            new { token, newPassword = NewPassword, twoFactorCode = TotpCalculator.Default.Compute(secret, host.Time.GetUtcNow()) });

        await withoutCode.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);
        Assert.Equal(HttpStatusCode.NoContent, withCode.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_EndsOtherSessions_AndEmailsTheUser()
    {
        var user = await host.Client.SignUpAsync();
        var other = (await host.Client.LoginAsync(user.Email)).GetProperty("accessToken").GetString()!;

        using var changed = await host.SendAsync(HttpMethod.Post, "api/v1/me/password", new { currentPassword = Password, newPassword = NewPassword }, user.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: user.AccessToken)).StatusCode);
        await (await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: other)).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        var notice = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject.Contains("password was changed", StringComparison.Ordinal));
        Assert.Contains("/api/settings/security", notice.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeEmail_NewAddressConfirms_AndTheOldAddressIsTold()
    {
        var user = await host.Client.SignUpAsync();
        var newEmail = ApiTestClient.NewEmail();

        using var requested = await host.SendAsync(HttpMethod.Post, "api/v1/me/email", new { newEmail, password = Password }, user.AccessToken);
        var link = await MailDevInbox.WaitForEmailAsync(newEmail);
        using var confirmed = await host.SendAsync(HttpMethod.Post, "api/v1/auth/email/confirm-change", new { token = link.Token });

        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var me = await (await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: user.AccessToken)).ReadJsonAsync();
        Assert.Equal(newEmail, me.GetProperty("email").GetString());
        Assert.True(me.GetProperty("emailVerified").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = newEmail, password = Password })).StatusCode);
        var told = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject.Contains("email address was changed", StringComparison.Ordinal));
        Assert.DoesNotContain("token=", told.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAccount_StopsEveryCredentialAtOnce_FreesTheEmail_AndSendsALastEmail()
    {
        var user = await host.SignUpAsync(Plans.Pro);
        var refreshToken = user.Tokens.GetProperty("refreshToken").GetString()!;
        using var created = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "script", scopes = new[] { "bookmarks:read" } }, user.AccessToken);
        var key = (await created.ReadJsonAsync()).GetProperty("key").GetString()!;

        using var deleted = await host.SendAsync(HttpMethod.Delete, "api/v1/me", new { password = Password }, user.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: user.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await (await host.SendAsync(HttpMethod.Get, "api/v1/bookmarks", bearer: key)).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken })).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = user.Email, password = Password })).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials);
        await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject.Contains("account was deleted", StringComparison.Ordinal));
        var (newId, _) = await host.Client.RegisterAsync(user.Email);
        Assert.NotEqual(user.Id, newId);
    }
}

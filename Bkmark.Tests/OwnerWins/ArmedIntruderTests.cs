using Bkmark.Core.Accounts;
using Bkmark.Core.TwoFactor;
using Bkmark.Tests.Passkeys;
using OtpNet;

namespace Bkmark.Tests.OwnerWins;

/// <summary>
/// DESIGN.md §14 with the factors the issue's first finding named: an intruder who registered the owner's address
/// and armed the account (TOTP and a passkey, as any account could before §14) no longer locks the owner out. The owner's
/// reset asks for no code of the intruder's, and afterwards none of the intruder's factors works.
/// </summary>
public sealed class ArmedIntruderTests(PasskeyHostFixture host) : IClassFixture<PasskeyHostFixture>, IDisposable
{
    private const string OwnerPassword = "the owner's own password";

    private readonly TestAuthenticator intrudersAuthenticator = new();

    public void Dispose() => intrudersAuthenticator.Dispose();

    [Fact]
    public async Task PasswordReset_ReclaimsAnAccountArmedBeforeItsAddressWasConfirmed_AndNoFactorOfTheIntrudersWorks()
    {
        // Arrange: the intruder holds the victim's address with TOTP on, a passkey, a session and a refresh token.
        var intruder = await host.SignUpAsync();
        var secret = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: intruder.AccessToken)).GetProperty("secret").GetString()!;
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = CodeNow(secret) }, intruder.AccessToken);
        var options = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/passkeys/options", bearer: intruder.AccessToken);
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/passkeys", new
        {
            challengeId = options.GetProperty("challengeId").GetString(),
            credential = intrudersAuthenticator.Attest(options.GetProperty("options"), host.Origin),
        }, intruder.AccessToken, HttpStatusCode.Created);
        await ForgetConfirmationAsync(intruder.Id);

        // Act: the owner follows a reset link, with no code: the authenticator is the intruder's.
        await host.Client.PostAsJsonAsync("api/v1/auth/password-reset", new { email = intruder.Email });
        var link = await MailDevInbox.WaitForEmailAsync(intruder.Email, e => e.Subject == "Reset your Bkmark password");
        using var reset = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = link.Token, newPassword = OwnerPassword });

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        await (await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: intruder.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken = intruder.Tokens.GetProperty("refreshToken").GetString() }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = intruder.Email, password = ApiTestClient.Password, twoFactorCode = CodeNow(secret) }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials);
        var passkeyOptions = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/passkeys/options");
        using var passkeySignIn = await host.SendAsync(HttpMethod.Post, "api/v1/auth/passkeys/login", new
        {
            challengeId = passkeyOptions.GetProperty("challengeId").GetString(),
            credential = intrudersAuthenticator.Assert(passkeyOptions.GetProperty("options"), host.Origin),
        });
        Assert.Equal(HttpStatusCode.Unauthorized, passkeySignIn.StatusCode);
        var owner = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/login", new { email = intruder.Email, password = OwnerPassword })).GetProperty("accessToken").GetString()!;
        var me = await host.GetJsonAsync(owner, "api/v1/me");
        Assert.False(me.GetProperty("twoFactorEnabled").GetBoolean());
        Assert.Equal(0, me.GetProperty("passkeyCount").GetInt32());
        Assert.True(me.GetProperty("emailVerified").GetBoolean());
    }

    [Fact]
    public async Task RemovePasskey_EmailsTheOwner()
    {
        var user = await host.SignUpAsync();
        var options = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/passkeys/options", bearer: user.AccessToken);
        var passkey = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/passkeys", new
        {
            challengeId = options.GetProperty("challengeId").GetString(),
            credential = intrudersAuthenticator.Attest(options.GetProperty("options"), host.Origin),
        }, user.AccessToken, HttpStatusCode.Created);

        using var removed = await host.SendAsync(HttpMethod.Delete, $"api/v1/me/passkeys/{passkey.GetProperty("id").GetString()}", bearer: user.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        var notice = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject == "A passkey was removed from your Bkmark account");
        Assert.Contains("no longer signs in", notice.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// The account as it was left by a sign-up before DESIGN.md §14, when an unconfirmed address could be armed: the
    /// factors stay, the confirmation goes (written on the row, as no route can unconfirm an address).
    /// </summary>
    private async Task ForgetConfirmationAsync(string userId)
    {
        var users = host.Services.GetRequiredService<UserStore>();
        var user = (await users.FindByIdAsync(userId, CancellationToken.None))!;
        user.EmailVerifiedAt = null;
        Assert.True(await users.TryUpdateAsync(user, CancellationToken.None));
    }

    private string CodeNow(string secret) => TotpCalculator.Default.Compute(Base32Encoding.ToBytes(secret), host.Time.GetUtcNow());
}

using Bkmark.Core.TwoFactor;
using Bkmark.Tests.Passkeys;
using OtpNet;

namespace Bkmark.Tests.SignIn;

/// <summary>
/// DESIGN.md §17, security keys as the second step: with two-factor on, a right password answers
/// <c>TWO_FACTOR_REQUIRED</c> with the methods available and a pending sign-in (a challenge bound to the password
/// check, single-use), which <c>POST /auth/login/webauthn</c> finishes with a registered passkey or security key.
/// Over HTTP through the local host, with software authenticators whose assertions Fido2 verifies for real.
/// </summary>
public sealed class SecurityKeySecondStepTests(PasskeyHostFixture host) : IClassFixture<PasskeyHostFixture>, IDisposable
{
    // TwoFactor:MaxFailedAttempts, left at its default.
    private const int MaxFailedSecondSteps = 5;

    private readonly TestAuthenticator securityKey = new();

    public void Dispose() => securityKey.Dispose();

    [Fact]
    public async Task LoginWebAuthn_FinishesThePasswordSignIn_WithANonDiscoverableSecurityKey_Once()
    {
        var user = await SignUpWithSecurityKeyAndTotpAsync(securityKey);

        using var required = await LoginAsync(user.Email);
        var offer = await required.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);
        Assert.Equal(["totp", "webauthn"], offer.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        var options = offer.GetProperty("webauthn").GetProperty("options");
        Assert.Equal("discouraged", options.GetProperty("userVerification").GetString());
        Assert.Equal(
            Base64UrlOf(securityKey.CredentialId),
            Assert.Single(options.GetProperty("allowCredentials").EnumerateArray()).GetProperty("id").GetString());

        // A security key without a PIN: user present, not verified.
        var body = SecondStep(offer, securityKey);
        using var finished = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login/webauthn", body);
        using var replayed = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login/webauthn", body);

        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        var tokens = await finished.ReadJsonAsync();
        Assert.StartsWith("bkd_", tokens.GetProperty("deviceToken").GetString(), StringComparison.Ordinal);
        var sessions = await host.GetJsonAsync(tokens.GetProperty("accessToken").GetString()!, "api/v1/me/sessions");
        Assert.Equal("password+webauthn", sessions.GetProperty("data").EnumerateArray().Single(s => s.GetProperty("current").GetBoolean()).GetProperty("authMethod").GetString());
        await replayed.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials);
    }

    [Fact]
    public async Task LoginWebAuthn_RefusesTheIntrudersOwnKey_AndTheOwnerStillFinishesLater()
    {
        // The intruder knows the owner's password and has an account and a key of their own.
        var owner = await SignUpWithSecurityKeyAndTotpAsync(securityKey);
        using var intrudersKey = new TestAuthenticator();
        await SignUpWithSecurityKeyAndTotpAsync(intrudersKey);

        using var intruderAttempt = await LoginAsync(owner.Email);
        var intrudersOffer = await intruderAttempt.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);
        using var refused = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login/webauthn", SecondStep(intrudersOffer, intrudersKey));

        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        using var ownerAttempt = await LoginAsync(owner.Email);
        var ownersOffer = await ownerAttempt.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);
        using var finished = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login/webauthn", SecondStep(ownersOffer, securityKey));
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
    }

    [Fact]
    public async Task PasskeyLogin_RefusesAKeyRegisteredForTheSecondStepOnly()
    {
        await SignUpWithSecurityKeyAndTotpAsync(securityKey);
        var start = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/passkeys/options");

        using var alone = await host.SendAsync(HttpMethod.Post, "api/v1/auth/passkeys/login", new
        {
            challengeId = start.GetProperty("challengeId").GetString(),
            credential = securityKey.Assert(start.GetProperty("options"), host.Origin, flags: TestAuthenticator.UserPresent | TestAuthenticator.UserVerified),
        });

        await alone.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials);
    }

    // DESIGN.md §7 for the new second step: 40 forged assertions sent at once are throttled like 40 sent in turn.
    [Fact]
    public async Task LoginWebAuthn_FortyForgedAssertionsAtOnce_ChecksOnlyAsManyAsTheLimit_AndTheOwnerFinishesAfterTheLockout()
    {
        var owner = await SignUpWithSecurityKeyAndTotpAsync(securityKey);
        // The intruder has the password, so can open 40 pending sign-ins, and answers each with the owner's
        // credential id signed by a key of their own.
        using var forger = new TestAuthenticator(securityKey.CredentialId) { UserHandle = securityKey.UserHandle };
        var offers = new List<object>();
        for (var i = 0; i < 40; i++)
        {
            using var required = await LoginAsync(owner.Email);
            offers.Add(SecondStep(await required.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired), forger));
        }

        var answers = await Race.RunAsync(async i =>
        {
            using var response = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login/webauthn", offers[i]);
            return (response.StatusCode, Code: (await response.ReadJsonAsync()).GetProperty("code").GetString());
        }, copies: 40);

        Assert.Equal(MaxFailedSecondSteps, answers.Count(a => a.Code == ErrorCodes.InvalidTwoFactorCode));
        Assert.Equal(40 - MaxFailedSecondSteps, answers.Count(a => a is { StatusCode: HttpStatusCode.TooManyRequests, Code: ErrorCodes.TooManyAttempts }));

        // The lock-out holds for the owner's key too while it lasts; afterwards the owner finishes, the intruder holds no session.
        using var duringLockout = await LoginAsync(owner.Email);
        using var locked = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login/webauthn",
            SecondStep(await duringLockout.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired), securityKey));
        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests, ErrorCodes.TooManyAttempts);
        host.Time.Advance(TimeSpan.FromMinutes(16));
        using var later = await LoginAsync(owner.Email);
        using var finished = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login/webauthn",
            SecondStep(await later.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired), securityKey));
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        var sessions = await host.GetJsonAsync((await finished.ReadJsonAsync()).GetProperty("accessToken").GetString()!, "api/v1/me/sessions");
        Assert.Equal(2, sessions.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Login_OffersOnlyTotp_WhenTheAccountHasNoPasskeyOrSecurityKey()
    {
        var user = await host.SignUpAsync();
        await EnableTotpAsync(user.AccessToken);

        using var required = await LoginAsync(user.Email);

        var offer = await required.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);
        Assert.Equal(["totp"], offer.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.False(offer.TryGetProperty("webauthn", out _));
    }

    [Fact]
    public async Task LoginWebAuthn_ReturnsValidationFailed_NamingTheFields_WhenTheyAreMissing()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login/webauthn", new { credential = "nope" });

        await response.AssertValidationFailedAsync("challengeId", "credential");
    }

    private async Task<SignedInUser> SignUpWithSecurityKeyAndTotpAsync(TestAuthenticator key)
    {
        var user = await host.SignUpAsync();
        var start = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/passkeys/options", new { purpose = "second-factor" }, user.AccessToken);
        var options = start.GetProperty("options");
        Assert.Equal("discouraged", options.GetProperty("authenticatorSelection").GetProperty("residentKey").GetString());
        var added = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/passkeys", new
        {
            challengeId = start.GetProperty("challengeId").GetString(),
            credential = key.Attest(options, host.Origin, flags: TestAuthenticator.UserPresent),
            name = "YubiKey",
        }, user.AccessToken, HttpStatusCode.Created);
        Assert.Equal("second-factor", added.GetProperty("purpose").GetString());
        await EnableTotpAsync(user.AccessToken);
        return user;
    }

    private async Task EnableTotpAsync(string accessToken)
    {
        var setup = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: accessToken);
        var secret = Base32Encoding.ToBytes(setup.GetProperty("secret").GetString()!);
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable",
            new { code = TotpCalculator.Default.Compute(secret, host.Time.GetUtcNow()) }, accessToken);
    }

    private Task<HttpResponseMessage> LoginAsync(string email) =>
        host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password = Password });

    private object SecondStep(JsonElement offer, TestAuthenticator key)
    {
        var webauthn = offer.GetProperty("webauthn");
        return new
        {
            challengeId = webauthn.GetProperty("challengeId").GetString(),
            credential = key.Assert(webauthn.GetProperty("options"), host.Origin, flags: TestAuthenticator.UserPresent),
        };
    }

    private static string Base64UrlOf(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}

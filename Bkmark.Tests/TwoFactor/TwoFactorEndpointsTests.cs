using Bkmark.Core.TwoFactor;
using Bkmark.Tests.ApiKeys;
using OtpNet;

namespace Bkmark.Tests.TwoFactor;

/// <summary>Enrolment and sign-in over HTTP through the local host, against Azurite; codes computed from the returned secret.</summary>
public sealed partial class TwoFactorEndpointsTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task EnrolmentAndSignIn_WorkEndToEnd()
    {
        // Arrange
        var email = NewEmail();
        var token = await RegisterAndSignInAsync(email);
        var before = await host.GetJsonAsync(token, "api/v1/me/two-factor");

        // Act: set up, enable, then sign in with a TOTP code and with a backup code.
        var setup = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", null, token);
        var secret = setup.GetProperty("secret").GetString()!;
        var enabled = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = CodeNow(secret) }, token);
        var backupCodes = enabled.GetProperty("backupCodes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var me = await host.GetJsonAsync(token, "api/v1/me");
        var status = await host.GetJsonAsync(token, "api/v1/me/two-factor");
        var withoutCode = await LoginAsync(email, Password, null);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var withTotp = await LoginAsync(email, Password, CodeNow(secret));
        var withBackupCode = await LoginAsync(email, Password, backupCodes[0].ToUpperInvariant());
        var sessionToken = (await withTotp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        var sessions = await host.GetJsonAsync(sessionToken, "api/v1/me/sessions");
        var afterBackup = await host.GetJsonAsync(token, "api/v1/me/two-factor");

        // Assert
        Assert.False(before.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("enabledAt").ValueKind);
        Assert.Equal(0, before.GetProperty("backupCodesRemaining").GetInt32());
        Assert.StartsWith("otpauth://totp/Bkmark:", setup.GetProperty("otpauthUri").GetString(), StringComparison.Ordinal);
        Assert.Contains("<svg", setup.GetProperty("qrCodeSvg").GetString(), StringComparison.Ordinal);
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(8, backupCodes.Length);
        Assert.True(me.GetProperty("twoFactorEnabled").GetBoolean());
        Assert.True(status.GetProperty("enabled").GetBoolean());
        Assert.EndsWith("Z", status.GetProperty("enabledAt").GetString(), StringComparison.Ordinal);
        Assert.Equal(8, status.GetProperty("backupCodesRemaining").GetInt32());
        await withoutCode.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);
        Assert.Equal(HttpStatusCode.OK, withTotp.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withBackupCode.StatusCode);
        Assert.Contains(sessions.GetProperty("data").EnumerateArray(), s => s.GetProperty("authMethod").GetString() == "password+totp");
        Assert.Equal(7, afterBackup.GetProperty("backupCodesRemaining").GetInt32());
        Assert.DoesNotContain(secret, await (await host.SendAsync(HttpMethod.Get, "api/v1/me/two-factor", bearer: token)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegenerateAndDisable_NeedACurrentCode_AndDisableReturnsToPasswordOnly()
    {
        // Arrange
        var email = NewEmail();
        var (token, secret, oldCodes) = await EnrolAsync(email);

        // Act
        var regenerateWithBackupCode = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/backup-codes", new { code = oldCodes[0] }, token);
        var regenerated = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/backup-codes", new { code = CodeNow(secret) }, token);
        var oldCodeLogin = await LoginAsync(email, Password, oldCodes[1]);
        var disableReplayed = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/disable", new { code = CodeNow(secret) }, token);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var disabled = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/disable", new { code = CodeNow(secret) }, token);
        var passwordOnly = await LoginAsync(email, Password, null);
        var me = await host.GetJsonAsync(token, "api/v1/me");

        // Assert
        await regenerateWithBackupCode.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        Assert.Equal(8, regenerated.GetProperty("backupCodes").GetArrayLength());
        await oldCodeLogin.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        await disableReplayed.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, passwordOnly.StatusCode);
        Assert.False(me.GetProperty("twoFactorEnabled").GetBoolean());
    }

    [Fact]
    public async Task Setup_Returns403ReauthenticationRequired_WhenEnabledAndTheSignInUsedNoBackupCodeOrPasskey()
    {
        // Arrange: a fresh password sign-in, from before two-factor was turned on.
        var (token, _, _) = await EnrolAsync(NewEmail());

        // Act
        var response = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: token);

        // Assert
        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        Assert.Contains("backup code", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("insufficient_user_authentication", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_Returns400NamingTwoFactorCode_WhenItIsNotAString()
    {
        // Arrange
        var email = NewEmail();
        await EnrolAsync(email);

        // Act
        var response = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password = Password, twoFactorCode = 123456 });

        // Assert
        await response.AssertValidationFailedAsync("twoFactorCode");
    }

    [Theory]
    [InlineData(" {0}")]
    [InlineData("+{0}")]
    [InlineData("{0}1")]
    [InlineData("not-a-code")]
    public async Task Login_Returns401InvalidCode_WhenCodeIsMalformed(string shape)
    {
        // Arrange
        var email = NewEmail();
        var (_, secret, _) = await EnrolAsync(email);

        // Act
        var response = await LoginAsync(email, Password, string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, CodeNow(secret)));

        // Assert
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        Assert.DoesNotContain("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_TwentyConcurrentRequestsWithOneCode_ExactlyOneGets200()
    {
        // Arrange
        var email = NewEmail();
        var (_, secret, _) = await EnrolAsync(email);
        var code = CodeNow(secret);

        // Act
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => LoginAsync(email, Password, code)));

        // Assert
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r =>
            Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
    }

    [Fact]
    public async Task Login_Returns429WithRetryAfter_AfterFiveBadCodes_EvenForACorrectCode()
    {
        // Arrange
        var email = NewEmail();
        var (_, secret, _) = await EnrolAsync(email);
        var correct = CodeNow(secret);
        var wrong = correct == "000000" ? "000001" : "000000";
        for (var i = 0; i < 5; i++)
        {
            await ApiTestClient.AssertProblemAsync(await LoginAsync(email, Password, wrong), HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        }

        // Act
        var locked = await LoginAsync(email, Password, correct);

        // Assert
        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests, ErrorCodes.TooManyAttempts);
        Assert.Equal(TimeSpan.FromMinutes(15), locked.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Enable_Returns400NamingCode_WhenCodeIsMissing()
    {
        // Arrange
        var token = await RegisterAndSignInAsync(NewEmail());
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", null, token);

        // Act
        var response = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { }, token);

        // Assert
        await response.AssertValidationFailedAsync("code");
    }

    [Theory]
    [MemberData(nameof(TwoFactorRoutes.All), MemberType = typeof(TwoFactorRoutes))]
    public async Task Endpoints_Return401MissingToken_WithoutCredentials(string method, string path)
    {
        // Act
        var response = await host.SendAsync(new HttpMethod(method), path, new { code = "123456" });

        // Assert
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.MissingToken);
    }

    /// <summary>Registers, signs in and turns two-factor on; then moves the clock one step on, so the current code is a fresh one.</summary>
    private async Task<(string Token, string Secret, string[] BackupCodes)> EnrolAsync(string email)
    {
        var token = await RegisterAndSignInAsync(email);
        var secret = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", null, token)).GetProperty("secret").GetString()!;
        var enabled = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = CodeNow(secret) }, token);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        return (token, secret, enabled.GetProperty("backupCodes").EnumerateArray().Select(c => c.GetString()!).ToArray());
    }

    private async Task<string> RegisterAndSignInAsync(string email) => (await host.Client.SignUpAsync(email)).AccessToken;

    private Task<HttpResponseMessage> LoginAsync(string email, string password, string? twoFactorCode) =>
        host.SendAsync(HttpMethod.Post, "api/v1/auth/login", twoFactorCode is null ? new { email, password } : new { email, password, twoFactorCode });

    private string CodeNow(string secret) => TotpCalculator.Default.Compute(Base32Encoding.ToBytes(secret), host.Time.GetUtcNow());

}

/// <summary>An API key may not manage two-factor: every endpoint answers 403 <c>API_KEY_NOT_ALLOWED</c>.</summary>
public sealed class TwoFactorApiKeyTests(ApiKeyHostFixture host) : IClassFixture<ApiKeyHostFixture>
{
    [Theory]
    [MemberData(nameof(TwoFactorRoutes.All), MemberType = typeof(TwoFactorRoutes))]
    public async Task Endpoints_Return403ApiKeyNotAllowed_WhenCalledWithAnApiKey(string method, string path)
    {
        // Arrange
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;

        // Act
        var response = await host.SendAsync(new HttpMethod(method), path, new { code = "123456" }, key);

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ErrorCodes.ApiKeyNotAllowed, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}

/// <summary>Every two-factor route, for the tests that try each with the wrong credential.</summary>
public static class TwoFactorRoutes
{
    public static TheoryData<string, string> All => new()
    {
        { "GET", "api/v1/me/two-factor" },
        { "POST", "api/v1/me/two-factor/totp/setup" },
        { "POST", "api/v1/me/two-factor/totp/enable" },
        { "POST", "api/v1/me/two-factor/totp/disable" },
        { "POST", "api/v1/me/two-factor/backup-codes" },
    };
}

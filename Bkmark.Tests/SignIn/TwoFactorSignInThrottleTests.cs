using System.Globalization;
using Bkmark.Core.TwoFactor;
using OtpNet;

namespace Bkmark.Tests.SignIn;

/// <summary>DESIGN.md §7 for the second factor at sign-in, over HTTP through the local host against Azurite.</summary>
public sealed class TwoFactorSignInThrottleTests(TwoFactorSignInHostFixture host) : IClassFixture<TwoFactorSignInHostFixture>
{
    // TwoFactor:MaxFailedAttempts, left at its default.
    private const int MaxFailedCodes = 5;

    // Found by the hardening review: 40 wrong TOTP codes at once were all checked, none throttled.
    [Fact]
    public async Task Login_FortyWrongTotpCodesAtOnce_ChecksOnlyAsManyAsTheLimit()
    {
        // Arrange
        var (userId, access, _) = await host.Client.SignUpAsync();
        var email = (await (await host.Client.SendAsync(HttpMethod.Get, "api/v1/me", bearer: access)).ReadJsonAsync()).GetProperty("email").GetString()!;
        var setup = await (await host.Client.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: access)).ReadJsonAsync();
        var secret = Base32Encoding.ToBytes(setup.GetProperty("secret").GetString()!);
        var enable = await host.Client.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", bearer: access, json:
            new { code = TotpCalculator.Default.Compute(secret, host.Time.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var current = int.Parse(TotpCalculator.Default.Compute(secret, host.Time.GetUtcNow()), CultureInfo.InvariantCulture);
        var wrongCode = ((current + 500_000) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

        // Act
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() =>
            host.Client.PostAsJsonAsync("api/v1/auth/login", new { email, password = ApiTestClient.Password, twoFactorCode = wrongCode }))));

        // Assert: each checked code logs "Invalid two-factor code" (event 4106) once.
        Assert.Equal(MaxFailedCodes, host.Logs.Lines.Count(line => line.Contains("[4106]", StringComparison.Ordinal) && line.Contains(userId, StringComparison.Ordinal)));
        Assert.Equal(MaxFailedCodes, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(40 - MaxFailedCodes, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }
}

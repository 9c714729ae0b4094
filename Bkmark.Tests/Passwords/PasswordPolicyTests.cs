using System.Security.Cryptography;
using Bkmark.Core.Passwords;

namespace Bkmark.Tests.Passwords;

/// <summary>
/// DESIGN.md §17, new passwords: zxcvbn's score and the breached-password range, at registration, change and reset,
/// over HTTP through the local host. The range is the tests' own server in the API's format (<see cref="PwnedPasswordsRange"/>).
/// </summary>
public sealed class PasswordPolicyTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    // zxcvbn's top passwords: score 0 whatever else is known.
    private const string CommonPassword = "qwertyuiop";

    [Fact]
    public async Task Register_ReturnsPasswordTooWeak_NamingPasswordWithZxcvbnFeedback_WhenItIsACommonPassword()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email = NewEmail(), password = CommonPassword });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.PasswordTooWeak);
        Assert.Equal("This is a top-100 common password.", problem.GetProperty("warning").GetString());
        Assert.Contains("Add another word or two. Uncommon words are better.", problem.GetProperty("suggestions").EnumerateArray().Select(s => s.GetString()));
        Assert.True(problem.GetProperty("score").GetInt32() < PasswordStrength.MinimumScore);
        Assert.Contains("This is a top-100 common password.", problem.GetProperty("errors").GetProperty("password").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Register_ReturnsPasswordTooWeak_WhenThePasswordIsBuiltFromTheEmailAndName()
    {
        var email = NewEmail();

        // Long enough for the length rule, and strong-looking, but made of what an attacker tries first for this person.
        using var fromEmail = await host.SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email, password = email });
        using var fromName = await host.SendAsync(HttpMethod.Post, "api/v1/auth/register",
            new { email = NewEmail(), password = "Zephyrine Quillfeather", displayName = "Zephyrine Quillfeather" });

        var problem = await fromEmail.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.PasswordTooWeak);
        Assert.Equal("Your email address or name is easy to guess.", problem.GetProperty("warning").GetString());
        await fromName.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.PasswordTooWeak);
        // The same password from someone whose name it is not passes zxcvbn.
        Assert.Equal(HttpStatusCode.Created, (await host.SendAsync(HttpMethod.Post, "api/v1/auth/register",
            new { email = NewEmail(), password = "Zephyrine Quillfeather" })).StatusCode);
    }

    [Fact]
    public async Task Register_ReturnsPasswordBreached_WhenTheRangeListsIt_AndSendsOnlyThePrefixWithPadding()
    {
        var range = await PwnedPasswordsRange.SharedAsync();
        var password = StrongPassword();
        range.MarkBreached(password);
        var (prefix, suffix) = PwnedPasswordsRange.Split(password);

        using var response = await host.SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email = NewEmail(), password });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.PasswordBreached);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
        var request = Assert.Single(range.Requests, r => r.Prefix.Equals(prefix, StringComparison.OrdinalIgnoreCase));
        Assert.Equal($"/range/{prefix}", request.PathAndQuery);
        Assert.Equal("true", request.AddPadding);
        Assert.Equal(0, request.BodyLength);
        // Nothing the server saw holds more of the hash than its first five characters, nor the password.
        Assert.All(range.Requests, r => Assert.DoesNotContain(suffix[..8], r.PathAndQuery, StringComparison.OrdinalIgnoreCase));
        Assert.All(range.Requests, r => Assert.DoesNotContain(password, Uri.UnescapeDataString(r.PathAndQuery), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Register_AcceptsAStrongPassword_ThatTheRangeDoesNotList()
    {
        var range = await PwnedPasswordsRange.SharedAsync();
        var password = StrongPassword();
        // Another password under the same prefix is breached; this one is only in the padding's company.
        var (prefix, _) = PwnedPasswordsRange.Split(password);

        using var response = await host.SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email = NewEmail(), password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains(range.Requests, r => r.Prefix.Equals(prefix, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ChangePassword_ReturnsPasswordTooWeakOrBreached_NamingNewPassword_AndKeepsTheOldPassword()
    {
        var user = await host.SignUpAsync();
        var breached = StrongPassword();
        (await PwnedPasswordsRange.SharedAsync()).MarkBreached(breached);

        using var weak = await host.SendAsync(HttpMethod.Post, "api/v1/me/password", new { currentPassword = Password, newPassword = CommonPassword }, user.AccessToken);
        using var listed = await host.SendAsync(HttpMethod.Post, "api/v1/me/password", new { currentPassword = Password, newPassword = breached }, user.AccessToken);

        var weakProblem = await weak.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.PasswordTooWeak);
        Assert.True(weakProblem.GetProperty("errors").TryGetProperty("newPassword", out _));
        var listedProblem = await listed.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.PasswordBreached);
        Assert.True(listedProblem.GetProperty("errors").TryGetProperty("newPassword", out _));
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = user.Email, password = Password })).StatusCode);
    }

    [Fact]
    public async Task CompleteReset_ReturnsPasswordTooWeakOrBreached_WithoutSpendingTheLink()
    {
        var user = await host.SignUpAsync();
        var breached = StrongPassword();
        (await PwnedPasswordsRange.SharedAsync()).MarkBreached(breached);
        (await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset", new { email = user.Email })).EnsureSuccessStatusCode();
        var link = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject.Contains("Reset your Bkmark password", StringComparison.Ordinal));

        using var weak = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = link.Token, newPassword = CommonPassword });
        using var listed = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = link.Token, newPassword = breached });
        var chosen = StrongPassword();
        using var reset = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = link.Token, newPassword = chosen });

        var weakProblem = await weak.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.PasswordTooWeak);
        Assert.True(weakProblem.GetProperty("errors").TryGetProperty("newPassword", out _));
        await listed.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.PasswordBreached);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = user.Email, password = chosen })).StatusCode);
    }

    [Fact]
    public async Task Login_FlagsPasswordBreached_WhenAnExistingPasswordIsListedLater_AndStillSignsIn()
    {
        var password = StrongPassword();
        var email = NewEmail();
        (await host.SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email, password })).EnsureSuccessStatusCode();
        var before = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password });

        (await PwnedPasswordsRange.SharedAsync()).MarkBreached(password);
        var after = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password });
        // The page's sign-in: the refresh token goes into a cookie, the flag stays in the body.
        using var pageSignIn = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/login")
        {
            Content = JsonContent.Create(new { email, password, refreshTokenDelivery = "cookie" }),
        };
        pageSignIn.Headers.Add("X-Requested-With", "bkmark-security-page");
        var cookie = await (await host.Client.SendAsync(pageSignIn)).ReadJsonAsync();

        Assert.False(before.TryGetProperty("passwordBreached", out _));
        Assert.True(after.GetProperty("passwordBreached").GetBoolean());
        Assert.True(after.TryGetProperty("accessToken", out _));
        Assert.True(cookie.GetProperty("passwordBreached").GetBoolean());
    }

    [Fact]
    public async Task PasswordStrength_RatesWhileTyping_WithTheEmailAsAUserInput()
    {
        var email = NewEmail();

        var weak = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/password-strength", new { password = CommonPassword, email });
        var strong = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/password-strength", new { password = StrongPassword(), email });
        var own = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/password-strength", new { password = email, email });

        Assert.False(weak.GetProperty("acceptable").GetBoolean());
        Assert.Equal("This is a top-100 common password.", weak.GetProperty("warning").GetString());
        Assert.True(strong.GetProperty("acceptable").GetBoolean());
        Assert.True(strong.GetProperty("score").GetInt32() >= PasswordStrength.MinimumScore);
        Assert.False(own.GetProperty("acceptable").GetBoolean());
    }

    /// <summary>A passphrase zxcvbn rates 4 that no other test uses: a random word between two uncommon ones.</summary>
    internal static string StrongPassword() => $"quartz {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))} marmalade";
}

/// <summary>The local host with its range URL at an address where nothing listens: the range API is down.</summary>
public sealed class RangeDownHostFixture() : LocalHostFixture(new Dictionary<string, string?> { [BreachRangeUrlSetting] = $"http://127.0.0.1:{ClosedPort()}/range/" })
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs);

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The local host with its range URL at the tests' server's route that never answers in time.</summary>
public sealed class RangeSlowHostFixture : LocalHostFixture
{
    public RangeSlowHostFixture()
        : base(new Dictionary<string, string?> { [BreachRangeUrlSetting] = PwnedPasswordsRange.SharedAsync().GetAwaiter().GetResult().SlowRangeUrl })
    {
    }

    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs);
}

/// <summary>The breach check fails open: an outage of the range API never keeps anyone from choosing a password.</summary>
public sealed class PasswordPolicyRangeDownTests(RangeDownHostFixture host) : IClassFixture<RangeDownHostFixture>
{
    [Fact]
    public async Task Register_AcceptsThePassword_AndLogsAWarning_WhenTheRangeApiIsDown()
    {
        using var response = await host.SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email = NewEmail(), password = PasswordPolicyTests.StrongPassword() });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains(host.Logs.Lines, line => line.Contains("[9601]", StringComparison.Ordinal) && line.Contains("ConnectionError", StringComparison.Ordinal));
    }
}

/// <summary>The breach check gives up after its timeout (2 s, the default) and lets the password through.</summary>
public sealed class PasswordPolicyRangeSlowTests(RangeSlowHostFixture host) : IClassFixture<RangeSlowHostFixture>
{
    [Fact]
    public async Task Register_AcceptsThePassword_AndLogsAWarning_WhenTheRangeApiIsSlow()
    {
        var range = await PwnedPasswordsRange.SharedAsync();
        var password = PasswordPolicyTests.StrongPassword();

        using var response = await host.SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email = NewEmail(), password });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains(host.Logs.Lines, line => line.Contains("[9601]", StringComparison.Ordinal) && line.Contains("timed out", StringComparison.Ordinal));
        Assert.Contains(range.Requests, r => r.Slow && r.Prefix == PwnedPasswordsRange.Split(password).Prefix);
    }
}

using Bkmark.Functions.Http;

namespace Bkmark.Tests.Passkeys;

/// <summary>Passkeys, cookie refresh and the security page over HTTP, through the local host against Azurite.</summary>
public sealed class PasskeyFunctionsTests(PasskeyHostFixture fixture) : IClassFixture<PasskeyHostFixture>, IDisposable
{
    private readonly TestAuthenticator authenticator = new();

    public void Dispose() => authenticator.Dispose();

    [Fact]
    public async Task PasskeyLogin_CreatesPasskeySession_AfterRegistrationOverHttp()
    {
        var token = (await fixture.SignUpAsync()).AccessToken;
        var start = await PostJsonAsync("api/v1/me/passkeys/options", null, token);
        using var created = await fixture.SendAsync(HttpMethod.Post, "api/v1/me/passkeys", new
        {
            challengeId = start.GetProperty("challengeId").GetString(),
            credential = authenticator.Attest(start.GetProperty("options"), fixture.Origin),
            name = "Work laptop",
        }, token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var signIn = await PostJsonAsync("api/v1/auth/passkeys/options", null, null);
        using var login = await fixture.SendAsync(HttpMethod.Post, "api/v1/auth/passkeys/login", new
        {
            challengeId = signIn.GetProperty("challengeId").GetString(),
            credential = authenticator.Assert(signIn.GetProperty("options"), fixture.Origin),
        });

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var passkeyToken = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        var sessions = await GetJsonAsync("api/v1/me/sessions", passkeyToken);
        Assert.Equal("passkey", sessions.GetProperty("data").EnumerateArray().Single(s => s.GetProperty("current").GetBoolean()).GetProperty("authMethod").GetString());
        var me = await GetJsonAsync("api/v1/me", passkeyToken);
        Assert.Equal(1, me.GetProperty("passkeyCount").GetInt32());
        var list = await GetJsonAsync("api/v1/me/passkeys", passkeyToken);
        Assert.Equal("Work laptop", list.GetProperty("data")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task PasskeyLogin_Returns403AccountLocked_WhenSupportLockedTheAccount()
    {
        // Arrange: a registered passkey, then support locks the account.
        var person = await fixture.SignUpAsync();
        var start = await PostJsonAsync("api/v1/me/passkeys/options", null, person.AccessToken);
        using (var created = await fixture.SendAsync(HttpMethod.Post, "api/v1/me/passkeys", new
        {
            challengeId = start.GetProperty("challengeId").GetString(),
            credential = authenticator.Attest(start.GetProperty("options"), fixture.Origin),
        }, person.AccessToken))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var locked = await fixture.SendAsOperatorAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/lock", new { reason = "compromised" }))
        {
            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        }

        // Act: a valid assertion of that passkey.
        var signIn = await PostJsonAsync("api/v1/auth/passkeys/options", null, null);
        using var login = await fixture.SendAsync(HttpMethod.Post, "api/v1/auth/passkeys/login", new
        {
            challengeId = signIn.GetProperty("challengeId").GetString(),
            credential = authenticator.Assert(signIn.GetProperty("options"), fixture.Origin),
        });

        await login.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.AccountLocked);
    }

    [Fact]
    public async Task PasskeyLogin_Returns401InvalidCredentials_WhenAssertionIsForged()
    {
        var signIn = await PostJsonAsync("api/v1/auth/passkeys/options", null, null);

        using var login = await fixture.SendAsync(HttpMethod.Post, "api/v1/auth/passkeys/login", new
        {
            challengeId = signIn.GetProperty("challengeId").GetString(),
            credential = authenticator.Assert(signIn.GetProperty("options"), fixture.Origin, userHandle: [1, 2, 3]),
        });

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Equal("INVALID_CREDENTIALS", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task RegisterPasskey_Returns400NamingCredential_WhenCredentialIsNotAnObject()
    {
        var token = (await fixture.SignUpAsync()).AccessToken;

        using var response = await fixture.SendAsync(HttpMethod.Post, "api/v1/me/passkeys", new { challengeId = "x", credential = "nope" }, token);

        await response.AssertValidationFailedAsync("credential");
    }

    [Fact]
    public async Task RenamePasskey_Returns404_ForAnotherUsersPasskey()
    {
        var token = (await fixture.SignUpAsync()).AccessToken;

        using var response = await fixture.SendAsync(HttpMethod.Patch, "api/v1/me/passkeys/01JAAAAAAAAAAAAAAAAAAAAAAA", new { name = "x" }, token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ListPasskeys_Returns401_WithoutSession()
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, "api/v1/me/passkeys");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Login_SetsHttpOnlyCookieAndOmitsRefreshToken_WhenDeliveryIsCookie()
    {
        var email = await RegisterAsync();

        using var response = await SendWithCsrfAsync("api/v1/auth/login", new { email, password = Password, refreshTokenDelivery = "cookie" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("bkmark_refresh=", StringComparison.Ordinal));
        Assert.Contains("HttpOnly", cookie, StringComparison.Ordinal);
        Assert.Contains("SameSite=Strict", cookie, StringComparison.Ordinal);
        Assert.Contains("Path=/api/v1/auth", cookie, StringComparison.Ordinal);
        Assert.False((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("refreshToken", out _));
    }

    [Fact]
    public async Task Login_Returns403_WhenCookieDeliveryLacksCsrfHeader()
    {
        var email = await RegisterAsync();

        using var response = await fixture.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password = Password, refreshTokenDelivery = "cookie" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("CSRF_CHECK_FAILED", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Refresh_RotatesCookie_WhenCookieAndCsrfHeaderArePresent()
    {
        var cookie = await CookieSignInAsync();

        using var response = await SendWithCsrfAsync("api/v1/auth/refresh", new { }, cookie);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rotated = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("bkmark_refresh=", rotated, StringComparison.Ordinal);
        Assert.NotEqual(cookie, rotated.Split(';')[0]);
    }

    [Theory]
    [InlineData(null, "https://evil.example")]
    [InlineData("fetch", "https://evil.example")]
    [InlineData(null, null)]
    public async Task Refresh_Returns403_WhenCookieRequestIsCrossSite(string? csrfHeader, string? origin)
    {
        var cookie = await CookieSignInAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/refresh") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("Cookie", cookie);
        if (csrfHeader is not null)
        {
            request.Headers.Add("X-Requested-With", csrfHeader);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await fixture.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task SecurityPage_IsServedWithStrictSecurityHeaders()
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, "api/settings/security");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(StaticAsset.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Contains("frame-ancestors 'none'", StaticAsset.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A new account whose address is confirmed (an unconfirmed one may not add a passkey).</summary>
    private async Task<string> RegisterAsync() => (await fixture.Client.RegisterVerifiedAsync()).Email;

    /// <returns>The "name=value" of the refresh cookie.</returns>
    private async Task<string> CookieSignInAsync()
    {
        var email = await RegisterAsync();
        using var response = await SendWithCsrfAsync("api/v1/auth/login", new { email, password = Password, refreshTokenDelivery = "cookie" });
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("bkmark_refresh=", StringComparison.Ordinal)).Split(';')[0];
    }

    private async Task<HttpResponseMessage> SendWithCsrfAsync(string path, object body, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, body.GetType()) };
        request.Headers.Add("X-Requested-With", "test");
        request.Headers.Add("Origin", fixture.Origin);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await fixture.Client.SendAsync(request);
    }

    private async Task<JsonElement> PostJsonAsync(string path, object? body, string? token)
    {
        using var response = await fixture.SendAsync(HttpMethod.Post, path, body, token);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> GetJsonAsync(string path, string? token)
    {
        using var response = await fixture.SendAsync(HttpMethod.Get, path, bearer: token);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

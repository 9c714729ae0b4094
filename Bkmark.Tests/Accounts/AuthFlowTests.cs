using Microsoft.IdentityModel.JsonWebTokens;

namespace Bkmark.Tests.Accounts;

/// <summary>Accounts, tokens and sessions over HTTP through the local host, against Azurite.</summary>
public sealed class AuthFlowTests(CountingLocalHostFixture host) : IClassFixture<CountingLocalHostFixture>
{
    private HttpClient Client => host.Client;

    [Fact]
    public async Task Register_Login_Me_Refresh_Sessions_Revoke_WorkEndToEnd()
    {
        var email = ApiTestClient.NewEmail();
        var register = await Client.PostAsJsonAsync("api/v1/auth/register", new { email = "  " + email.ToUpperInvariant() + " ", password = ApiTestClient.Password, displayName = "Ada" });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var user = await register.ReadJsonAsync();
        Assert.Equal(email, user.GetProperty("email").GetString());
        Assert.Equal("free", user.GetProperty("plan").GetString());
        Assert.Equal(26, user.GetProperty("id").GetString()!.Length);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", user.GetProperty("createdAt").GetString());

        var tokens = await Client.LoginAsync(email);
        Assert.Equal("Bearer", tokens.GetProperty("tokenType").GetString());
        Assert.Equal(900, tokens.GetProperty("expiresIn").GetInt32());
        Assert.Equal(604800, tokens.GetProperty("refreshExpiresIn").GetInt32());
        var access = tokens.GetProperty("accessToken").GetString()!;

        var me = await (await Client.SendAsync(HttpMethod.Get, "api/v1/me", bearer: access)).ReadJsonAsync();
        Assert.Equal(user.GetProperty("id").GetString(), me.GetProperty("id").GetString());
        Assert.False(me.GetProperty("twoFactorEnabled").GetBoolean());
        Assert.Equal(0, me.GetProperty("passkeyCount").GetInt32());

        var refreshed = await Client.PostAsJsonAsync("api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var second = await refreshed.ReadJsonAsync();
        Assert.Equal(tokens.GetProperty("sessionId").GetString(), second.GetProperty("sessionId").GetString());

        var other = await Client.LoginAsync(email);
        var sessions = await (await Client.SendAsync(HttpMethod.Get, "api/v1/me/sessions", bearer: access)).ReadJsonAsync();
        var list = sessions.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, list.Count);
        Assert.Single(list, s => s.GetProperty("current").GetBoolean() && s.GetProperty("id").GetString() == tokens.GetProperty("sessionId").GetString());
        Assert.All(list, s => Assert.Equal("password", s.GetProperty("authMethod").GetString()));

        var revoke = await Client.SendAsync(HttpMethod.Delete, $"api/v1/me/sessions/{other.GetProperty("sessionId").GetString()}", bearer: access);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        var otherMe = await Client.SendAsync(HttpMethod.Get, "api/v1/me", bearer: other.GetProperty("accessToken").GetString());
        await otherMe.AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
    }

    [Fact]
    public async Task Logout_RevokesSession_AndItsAccessTokenAtOnce()
    {
        var (_, access, tokens) = await Client.SignUpAsync();

        var logout = await Client.SendAsync(HttpMethod.Post, "api/v1/auth/logout", bearer: access);
        var me = await Client.SendAsync(HttpMethod.Get, "api/v1/me", bearer: access);
        var refresh = await Client.PostAsJsonAsync("api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
        Assert.Contains("invalid_token", me.Headers.WwwAuthenticate.ToString());
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
    }

    [Fact]
    public async Task RevokeOthers_LeavesOnlyTheCurrentSession()
    {
        var (id, email) = await Client.RegisterAsync();
        var current = await Client.LoginAsync(email);
        var others = new[] { await Client.LoginAsync(email), await Client.LoginAsync(email) };
        var access = current.GetProperty("accessToken").GetString();

        var response = await Client.SendAsync(HttpMethod.Post, "api/v1/me/sessions/revoke-others", bearer: access);

        Assert.Equal(2, (await response.ReadJsonAsync()).GetProperty("revoked").GetInt32());
        var list = (await (await Client.SendAsync(HttpMethod.Get, "api/v1/me/sessions", bearer: access)).ReadJsonAsync()).GetProperty("data");
        Assert.Equal(current.GetProperty("sessionId").GetString(), Assert.Single(list.EnumerateArray()).GetProperty("id").GetString());
        foreach (var other in others)
        {
            await (await Client.SendAsync(HttpMethod.Get, "api/v1/me", bearer: other.GetProperty("accessToken").GetString()))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
        }

        Assert.NotNull(id);
    }

    [Fact]
    public async Task AccessToken_IsRefusedAsExpired_OneSecondAfterFifteenMinutes()
    {
        var (_, access, _) = await Client.SignUpAsync();
        var issuedAt = new JsonWebToken(access).IssuedAt;
        var exp = new JsonWebToken(access).ValidTo;
        Assert.Equal(TimeSpan.FromMinutes(15), exp - issuedAt);

        host.Time.SetUtcNow(new DateTimeOffset(exp, TimeSpan.Zero).AddSeconds(1));
        var me = await Client.SendAsync(HttpMethod.Get, "api/v1/me", bearer: access);

        await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_EXPIRED");
    }

    [Fact]
    public async Task Sessions_RecordClientBehindTrustedProxies_NotTheFirstHopItClaims()
    {
        var (_, email) = await Client.RegisterAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/login")
        {
            Content = JsonContent.Create(new { email, password = ApiTestClient.Password }),
        };
        // The test connects from loopback through "10.0.0.1": both trusted proxies by default. The client they
        // saw is 198.51.100.23; the 203.0.113.9 before it is only what that client wrote in its own header.
        request.Headers.Add("X-Forwarded-For", "203.0.113.9, 198.51.100.23, 10.0.0.1");
        request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Chrome/131.0");
        var tokens = await (await Client.SendAsync(request)).ReadJsonAsync();

        var list = (await (await Client.SendAsync(HttpMethod.Get, "api/v1/me/sessions", bearer: tokens.GetProperty("accessToken").GetString())).ReadJsonAsync()).GetProperty("data");

        var session = Assert.Single(list.EnumerateArray());
        Assert.Equal("198.51.100.23", session.GetProperty("ipAddress").GetString());
        Assert.Contains("Chrome/131.0", session.GetProperty("userAgent").GetString());
        Assert.Equal(session.GetProperty("createdAt").GetString(), session.GetProperty("lastActiveAt").GetString());
    }

    [Fact]
    public async Task Login_UnknownEmailAndWrongPassword_GiveByteIdenticalBodies()
    {
        var (_, email) = await Client.RegisterAsync();

        var wrongPassword = await Client.PostAsJsonAsync("api/v1/auth/login", new { email, password = "wrong password!" });
        var unknownEmail = await Client.PostAsJsonAsync("api/v1/auth/login", new { email = ApiTestClient.NewEmail(), password = "wrong password!" });

        await wrongPassword.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        Assert.Equal(await wrongPassword.Content.ReadAsByteArrayAsync(), await unknownEmail.Content.ReadAsByteArrayAsync());
        Assert.Equal(wrongPassword.Headers.WwwAuthenticate.ToString(), unknownEmail.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Login_IsThrottledAfterFiveFailures_AndRecoversAfterLockout()
    {
        var (_, email) = await Client.RegisterAsync();
        for (var i = 0; i < 5; i++)
        {
            await (await Client.PostAsJsonAsync("api/v1/auth/login", new { email, password = "wrong password!" }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        }

        var locked = await Client.PostAsJsonAsync("api/v1/auth/login", new { email, password = ApiTestClient.Password });
        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "TOO_MANY_ATTEMPTS");
        Assert.Equal(TimeSpan.FromMinutes(15), locked.Headers.RetryAfter?.Delta);

        host.Time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        var after = await Client.PostAsJsonAsync("api/v1/auth/login", new { email, password = ApiTestClient.Password });
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Register_ReturnsEmailTaken_ForExistingEmailInAnyCase()
    {
        var (_, email) = await Client.RegisterAsync();

        var again = await Client.PostAsJsonAsync("api/v1/auth/register", new { email = email.ToUpperInvariant(), password = ApiTestClient.Password });

        await again.AssertProblemAsync(HttpStatusCode.Conflict, "EMAIL_TAKEN");
    }

    [Fact]
    public async Task Register_ConcurrentWithOneEmail_CreatesExactlyOneAccount()
    {
        var email = ApiTestClient.NewEmail();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Client.PostAsJsonAsync("api/v1/auth/register", new { email, password = ApiTestClient.Password })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsJsonAsync("api/v1/auth/login", new { email, password = ApiTestClient.Password })).StatusCode);
    }

    [Theory]
    [InlineData("{\"email\":\"not-an-email\",\"password\":\"long enough\"}", "email")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"short\"}", "password")]
    [InlineData("{\"email\":5,\"password\":\"long enough\"}", "email")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":[\"x\"]}", "password")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"long enough\",\"displayName\":{}}", "displayName")]
    [InlineData("[1,2]", "body")]
    [InlineData("\"text\"", "body")]
    [InlineData("{\"email\":", "body")]
    [InlineData("not json", "body")]
    [InlineData("", "body")]
    public async Task Register_ReturnsValidationFailed_NamingTheField(string body, string field)
    {
        var response = await Client.PostAsync("api/v1/auth/register", new StringContent(body, Encoding.UTF8, "application/json"));

        await response.AssertValidationFailedAsync(field);
    }

    [Fact]
    public async Task Post_ReturnsPayloadTooLarge_OverSixtyFourKilobytes()
    {
        var body = "{\"email\":\"" + new string('a', 70 * 1024) + "@example.com\",\"password\":\"long enough\"}";

        var response = await Client.PostAsync("api/v1/auth/register", new StringContent(body, Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Me_WithoutCredential_ReturnsMissingTokenWithBareChallenge()
    {
        var response = await Client.GetAsync("api/v1/me");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "MISSING_TOKEN");
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer", challenge);
        Assert.DoesNotContain("error=", challenge);
    }

    [Theory]
    [InlineData("Bearer not-a-token")]
    [InlineData("Bearer")]
    [InlineData("Bearer   ")]
    [InlineData("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    public async Task Me_WithBadCredential_ReturnsInvalidToken(string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/me");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await Client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("access_token")]
    [InlineData("token")]
    [InlineData("api_key")]
    [InlineData("key")]
    public async Task Me_WithCredentialInQueryString_IsRefused(string parameter)
    {
        var (_, access, _) = await Client.SignUpAsync();

        var response = await Client.SendAsync(HttpMethod.Get, $"api/v1/me?{parameter}={access}", bearer: access);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "CREDENTIALS_IN_URL");
    }

    [Fact]
    public async Task Verify_DescribesTheSession()
    {
        var (userId, access, tokens) = await Client.SignUpAsync();

        var body = await (await Client.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: access)).ReadJsonAsync();

        Assert.True(body.GetProperty("valid").GetBoolean());
        Assert.Equal("session", body.GetProperty("credentialType").GetString());
        Assert.Equal(userId, body.GetProperty("userId").GetString());
        Assert.Equal(tokens.GetProperty("sessionId").GetString(), body.GetProperty("sessionId").GetString());
        Assert.Contains("destructive", body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task AuthenticatedRequest_CostsOneStoragePointReadAndNoQuery()
    {
        var (_, access, _) = await Client.SignUpAsync();
        host.StorageRequests.Clear();

        var response = await Client.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: access);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(host.StorageRequests.Requests);
        Assert.True(request.IsPointRead, request.Uri.ToString());
    }

    [Fact]
    public async Task Jwks_PublishesTheKeyThatSignsAccessTokens_WithoutPrivateParts()
    {
        var (_, access, _) = await Client.SignUpAsync();

        var jwks = await (await Client.GetAsync("api/v1/auth/jwks")).ReadJsonAsync();

        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal(new JsonWebToken(access).Kid, key.GetProperty("kid").GetString());
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.False(key.TryGetProperty("d", out _));
    }

    [Fact]
    public async Task SetPlan_NeedsFunctionKey_AndValidatesPlan()
    {
        var (id, _) = await Client.RegisterAsync();

        var withoutKey = await Client.PutAsJsonAsync($"api/v1/admin/users/{id}/plan", new { plan = "pro" });
        var request = new HttpRequestMessage(HttpMethod.Put, $"api/v1/admin/users/{id}/plan") { Content = JsonContent.Create(new { plan = "pro" }) };
        request.Headers.Add("x-functions-key", host.FunctionKey);
        var withKey = await Client.SendAsync(request);
        var bad = new HttpRequestMessage(HttpMethod.Put, $"api/v1/admin/users/{id}/plan") { Content = JsonContent.Create(new { plan = "gold" }) };
        bad.Headers.Add("x-functions-key", host.FunctionKey);
        var unknown = new HttpRequestMessage(HttpMethod.Put, "api/v1/admin/users/01JAAAAAAAAAAAAAAAAAAAAAAA/plan") { Content = JsonContent.Create(new { plan = "pro" }) };
        unknown.Headers.Add("x-functions-key", host.FunctionKey);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal("pro", (await withKey.ReadJsonAsync()).GetProperty("plan").GetString());
        await (await Client.SendAsync(bad)).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await (await Client.SendAsync(unknown)).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }
}

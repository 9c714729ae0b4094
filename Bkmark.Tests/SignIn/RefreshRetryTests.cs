namespace Bkmark.Tests.SignIn;

/// <summary>DESIGN.md §7 "Refresh retries are safe", over HTTP through the local host against Azurite.</summary>
public sealed class RefreshRetryTests(SignInHostFixture host) : IClassFixture<SignInHostFixture>
{
    private HttpClient Client => host.Client;

    // Found by the hardening review: the loser's answer cleared the cookie, and landing last it signed the page out.
    [Fact]
    public async Task Refresh_TwoTabsAtOnceWithTheCookie_LeaveTheWinnersCookieInPlace()
    {
        // Arrange
        var cookie = await CookieSignInAsync();

        // Act
        var responses = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => CookieRefreshAsync(cookie))));

        // Assert
        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var loser = Assert.Single(responses, r => r.StatusCode != HttpStatusCode.OK);
        await loser.AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
        Assert.False(loser.Headers.Contains("Set-Cookie"));
        var successor = RefreshCookieOf(winner);
        Assert.Equal(HttpStatusCode.OK, (await CookieRefreshAsync(successor)).StatusCode);
    }

    // Found by the hardening review: a 503 after the rotation mark spent the token, and the retry looked like theft.
    [Fact]
    public async Task Refresh_FailedWith503AfterTheRotationMark_CanBeRetriedWithTheSameToken()
    {
        // Arrange
        var (_, email) = await Client.RegisterAsync();
        var refreshToken = (await Client.LoginAsync(email)).GetProperty("refreshToken").GetString()!;
        var failures = 0;
        host.StorageFaults.FailWhen = (method, uri) => method == "POST"
            && uri.AbsolutePath.EndsWith(host.TablePrefix + "RefreshTokens", StringComparison.Ordinal)
            && Interlocked.Exchange(ref failures, 1) == 0;

        // Act
        HttpResponseMessage failed;
        try
        {
            failed = await Client.PostAsJsonAsync("api/v1/auth/refresh", new { refreshToken });
        }
        finally
        {
            host.StorageFaults.FailWhen = null;
        }

        // Past the reuse grace: presenting a token whose successor was handed out would now revoke the session.
        host.Time.Advance(TimeSpan.FromSeconds(11));
        var retried = await Client.PostAsJsonAsync("api/v1/auth/refresh", new { refreshToken });

        // Assert
        await failed.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "STORAGE_UNAVAILABLE");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var tokens = await retried.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(HttpMethod.Get, "api/v1/me", bearer: tokens.GetProperty("accessToken").GetString())).StatusCode);
        var next = await Client.PostAsJsonAsync("api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    /// <returns>The "name=value" of the refresh cookie.</returns>
    private async Task<string> CookieSignInAsync()
    {
        var (_, email) = await Client.RegisterAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/login")
        {
            Content = JsonContent.Create(new { email, password = ApiTestClient.Password, refreshTokenDelivery = "cookie" }),
        };
        request.Headers.Add("X-Requested-With", "test");
        return RefreshCookieOf(await Client.SendAsync(request));
    }

    private Task<HttpResponseMessage> CookieRefreshAsync(string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/refresh") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("X-Requested-With", "test");
        request.Headers.Add("Cookie", cookie);
        return Client.SendAsync(request);
    }

    private static string RefreshCookieOf(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("bkmark_refresh=", StringComparison.Ordinal)).Split(';')[0];
}

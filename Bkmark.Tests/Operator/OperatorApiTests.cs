using System.Globalization;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.TwoFactor;
using OtpNet;

namespace Bkmark.Tests.Operator;

/// <summary>
/// The operator API (DESIGN §16) over HTTP through the local host: what Bkmark support does for a person, each act in the
/// person's own log and inbox.
/// </summary>
public sealed class OperatorApiTests(OperatorHostFixture host) : IClassFixture<OperatorHostFixture>
{
    private const string LockReason = "Reported compromised by the owner (ticket 4711)";

    public static TheoryData<string, string> UserRoutes => new()
    {
        { "GET", "api/v1/admin/users/{0}/security-events" },
        { "POST", "api/v1/admin/users/{0}/lock" },
        { "POST", "api/v1/admin/users/{0}/unlock" },
        { "POST", "api/v1/admin/users/{0}/sign-out" },
        { "POST", "api/v1/admin/users/{0}/two-factor/reset" },
    };

    [Theory]
    [MemberData(nameof(UserRoutes))]
    [InlineData("GET", "api/v1/admin/users?email=someone@example.com")]
    [InlineData("POST", "api/v1/admin/orgs/{0}/owner")]
    [InlineData("GET", "api/v1/admin/diagnostics/request")]
    public async Task OperatorRoute_Answers401_WithoutTheFunctionKey(string method, string route)
    {
        // Arrange: a signed-in person's own access token is no operator's key.
        var person = await host.SignUpAsync();

        using var response = await host.SendAsync(new HttpMethod(method), string.Format(CultureInfo.InvariantCulture, route, person.Id), new { reason = LockReason, userId = person.Id }, person.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(SecurityEventTypes.OperatorAccountLocked, await host.OwnLogAsync(person.AccessToken));
    }

    [Theory]
    [MemberData(nameof(UserRoutes))]
    public async Task UserRoute_Answers404_WhenTheUserIsUnknown(string method, string route)
    {
        using var response = await host.SendAsOperatorAsync(new HttpMethod(method), string.Format(CultureInfo.InvariantCulture, route, "01JZZZZZZZZZZZZZZZZZZZZZZZ"), new { reason = LockReason });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task FindUser_ReturnsTheAccount_AndTellsThePerson()
    {
        // Arrange: a person who signed in (SignUpAsync does), with a passkey-free, two-factor-free account on Pro.
        var person = await host.SignUpAsync();

        var found = await host.OperateAsync(HttpMethod.Get, $"api/v1/admin/users?email={Uri.EscapeDataString(person.Email.ToUpperInvariant())}");

        Assert.Equal(person.Id, found.GetProperty("id").GetString());
        Assert.Equal(person.Email, found.GetProperty("email").GetString());
        Assert.Equal("pro", found.GetProperty("plan").GetString());
        Assert.False(found.GetProperty("twoFactor").GetBoolean());
        Assert.Equal(0, found.GetProperty("passkeys").GetInt32());
        Assert.Equal(0, found.GetProperty("socialAccounts").GetArrayLength());
        Assert.False(found.GetProperty("locked").GetBoolean());
        Assert.True(found.GetProperty("emailVerified").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.NotEqual(JsonValueKind.Null, found.GetProperty("createdAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, found.GetProperty("lastSignInAt").ValueKind);
        Assert.Contains(SecurityEventTypes.OperatorAccountViewed, await host.OwnLogAsync(person.AccessToken));
        await OperatorHostFixture.WaitForNoticeAsync(person.Email, "Bkmark support looked up your account");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-address")]
    public async Task FindUser_Answers400NamingEmail_WhenItIsNoAddress(string email)
    {
        using var response = await host.SendAsOperatorAsync(HttpMethod.Get, $"api/v1/admin/users?email={email}");

        await response.AssertValidationFailedAsync("email");
    }

    [Fact]
    public async Task FindUser_Answers404_WhenNoAccountHasTheEmail()
    {
        using var response = await host.SendAsOperatorAsync(HttpMethod.Get, $"api/v1/admin/users?email={ApiTestClient.NewEmail()}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Lock_StopsAccessTokenRefreshTokenAndApiKeyOnTheNextRequest_OnEveryInstance()
    {
        // Arrange: the person holds a session (access and refresh token) and a key; a second instance of the app runs
        // over the same storage, as Azure scales out. A bystander's credentials must not be touched.
        var person = await host.SignUpAsync();
        var key = await host.CreateKeyAsync(person);
        var refreshToken = person.Tokens.GetProperty("refreshToken").GetString()!;
        var bystander = await host.SignUpAsync();
        var bystanderKey = await host.CreateKeyAsync(bystander);
        var second = LocalHostFixture.SecondInstanceOf(host);
        await second.InitializeAsync();
        try
        {
            // Both instances have used the credentials (whatever they might keep in memory, they have it now).
            foreach (var instance in new[] { host, (LocalHostFixture)second })
            {
                Assert.Equal(HttpStatusCode.OK, (await instance.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: person.AccessToken)).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await instance.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).StatusCode);
            }

            // Act
            var locked = await host.OperateAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/lock", new { reason = LockReason });

            // Assert: on both instances, every credential answers ACCOUNT_LOCKED at once.
            Assert.True(locked.GetProperty("locked").GetBoolean());
            Assert.Equal(LockReason, locked.GetProperty("lockReason").GetString());
            foreach (var instance in new[] { (LocalHostFixture)second, host })
            {
                await (await instance.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: person.AccessToken)).AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.AccountLocked);
                await (await instance.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.AccountLocked);
                await (await instance.SendAsync(HttpMethod.Get, "api/v1/bookmarks", bearer: key)).AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.AccountLocked);
                await (await instance.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken })).AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.AccountLocked);
                await (await instance.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = person.Email, password = Password })).AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.AccountLocked);
                Assert.Equal(HttpStatusCode.OK, (await instance.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: bystanderKey)).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await instance.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: bystander.AccessToken)).StatusCode);
            }
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task Login_AnswersInvalidCredentials_ForAWrongPasswordOnALockedAccount()
    {
        // Arrange: a stranger guessing at a locked account must not learn that it is locked.
        var person = await host.SignUpAsync();
        await host.OperateAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/lock", new { reason = LockReason });

        using var guess = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = person.Email, password = "a wrong password" });

        await guess.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials);
    }

    [Fact]
    public async Task Unlock_LetsThePersonSignInAndTheirKeysWorkAgain_ButEndedSessionsStayEnded()
    {
        // Arrange
        var person = await host.SignUpAsync();
        var key = await host.CreateKeyAsync(person);
        var refreshToken = person.Tokens.GetProperty("refreshToken").GetString()!;
        await host.OperateAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/lock", new { reason = LockReason });

        // Act
        var unlocked = await host.OperateAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/unlock");

        // Assert
        Assert.False(unlocked.GetProperty("locked").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).StatusCode);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken })).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: person.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        var tokens = await host.Client.LoginAsync(person.Email);
        var log = await host.OwnLogAsync(tokens.GetProperty("accessToken").GetString()!);
        Assert.Equal(1, log.Count(type => type == SecurityEventTypes.OperatorAccountLocked));
        Assert.Equal(1, log.Count(type => type == SecurityEventTypes.OperatorAccountUnlocked));
        var lockNotice = await OperatorHostFixture.WaitForNoticeAsync(person.Email, "Bkmark support locked your account");
        Assert.Contains(LockReason, lockNotice, StringComparison.Ordinal);
        Assert.Contains("By: Bkmark support", lockNotice, StringComparison.Ordinal);
        await OperatorHostFixture.WaitForNoticeAsync(person.Email, "Bkmark support unlocked your account");
    }

    [Fact]
    public async Task LockAndUnlock_AreIdempotent_AndRecordOnlyTheChange()
    {
        // Arrange
        var person = await host.SignUpAsync();

        // Act: each twice.
        await host.OperateAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/lock", new { reason = LockReason });
        var again = await host.OperateAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/lock", new { reason = "another reason" });
        await host.OperateAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/unlock");
        var unlockedAgain = await host.OperateAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/unlock");

        // Assert: the first lock's reason stands; one event each.
        Assert.Equal(LockReason, again.GetProperty("lockReason").GetString());
        Assert.False(unlockedAgain.GetProperty("locked").GetBoolean());
        var events = await host.OperateAsync(HttpMethod.Get, $"api/v1/admin/users/{person.Id}/security-events?limit=100");
        var types = events.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(1, types.Count(type => type == SecurityEventTypes.OperatorAccountLocked));
        Assert.Equal(1, types.Count(type => type == SecurityEventTypes.OperatorAccountUnlocked));
    }

    [Fact]
    public async Task LockAndUnlock_Raced_NeverAnswer500_AndTheKeyFollowsTheAccount()
    {
        // Arrange
        var person = await host.SignUpAsync();
        var key = await host.CreateKeyAsync(person);

        // Act: locks and unlocks at once.
        var answers = await Race.RunAsync(async i =>
        {
            using var response = i % 2 == 0
                ? await host.SendAsOperatorAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/lock", new { reason = LockReason })
                : await host.SendAsOperatorAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/unlock");
            return response.StatusCode;
        }, copies: 10);

        // Assert: each answered (a lost race is 409, never a 500), and the key ends as the account is.
        Assert.All(answers, status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"answered {status}"));
        var account = await host.OperateAsync(HttpMethod.Get, $"api/v1/admin/users?email={person.Email}");
        using var verify = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);
        Assert.Equal(account.GetProperty("locked").GetBoolean() ? HttpStatusCode.Forbidden : HttpStatusCode.OK, verify.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData(501)]
    public async Task Lock_Answers400NamingReason_WhenItIsMissingOrTooLong(object? reason)
    {
        var person = await host.SignUpAsync();
        var body = reason is int length ? new { reason = (string?)new string('x', length) } : new { reason = (string?)reason };

        using var response = await host.SendAsOperatorAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/lock", body);

        await response.AssertValidationFailedAsync("reason");
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: person.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task SignOut_EndsEverySessionAndRefreshToken_AndTellsThePerson()
    {
        // Arrange: two sessions.
        var person = await host.SignUpAsync();
        var other = await host.Client.LoginAsync(person.Email);

        var signedOut = await host.OperateAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/sign-out");

        Assert.Equal(2, signedOut.GetProperty("revoked").GetInt32());
        foreach (var tokens in new[] { person.Tokens, other })
        {
            await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: tokens.GetProperty("accessToken").GetString()))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
            await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        }

        var again = await host.Client.LoginAsync(person.Email);
        Assert.Contains(SecurityEventTypes.OperatorSignedOut, await host.OwnLogAsync(again.GetProperty("accessToken").GetString()!));
        await OperatorHostFixture.WaitForNoticeAsync(person.Email, "Bkmark support signed your account out everywhere");
    }

    [Fact]
    public async Task TwoFactorReset_LetsThePersonSignInWithThePasswordAlone_AndSetUpANewAuthenticator()
    {
        // Arrange: two-factor on; the person lost the app and the backup codes.
        var person = await host.SignUpAsync();
        var lostSecret = await EnableTotpAsync(person.AccessToken);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = person.Email, password = Password }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);

        // Act
        var reset = await host.OperateAsync(HttpMethod.Post, $"api/v1/admin/users/{person.Id}/two-factor/reset");

        // Assert: the password alone signs in; a new authenticator can be set up; the old one's codes mean nothing.
        Assert.False(reset.GetProperty("twoFactor").GetBoolean());
        var tokens = await host.Client.LoginAsync(person.Email);
        var accessToken = tokens.GetProperty("accessToken").GetString()!;
        var status = await host.GetJsonAsync(accessToken, "api/v1/me/two-factor");
        Assert.False(status.GetProperty("enabled").GetBoolean());
        Assert.False((await host.GetJsonAsync(accessToken, "api/v1/me")).GetProperty("twoFactorEnabled").GetBoolean());
        var newSecret = await EnableTotpAsync(accessToken);
        Assert.NotEqual(lostSecret, newSecret);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = person.Email, password = Password, twoFactorCode = CodeNow(lostSecret) }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        Assert.Contains(SecurityEventTypes.OperatorTwoFactorReset, await host.OwnLogAsync(accessToken));
        await OperatorHostFixture.WaitForNoticeAsync(person.Email, "Bkmark support removed your two-factor authentication");
    }

    [Fact]
    public async Task SecurityEvents_ListsThePersonsLogInPages_AndTheReadingIsRecordedOnce()
    {
        // Arrange: a few sign-ins in the log.
        var person = await host.SignUpAsync();
        await host.Client.LoginAsync(person.Email);
        await host.Client.LoginAsync(person.Email);

        // Act: page through with the cursor.
        var first = await host.OperateAsync(HttpMethod.Get, $"api/v1/admin/users/{person.Id}/security-events?limit=2");
        var cursor = first.GetProperty("nextCursor").GetString()!;
        var second = await host.OperateAsync(HttpMethod.Get, $"api/v1/admin/users/{person.Id}/security-events?limit=2&cursor={Uri.EscapeDataString(cursor)}");

        // Assert: the same events the person reads, without repeats; one reading recorded.
        Assert.Equal(2, first.GetProperty("data").GetArrayLength());
        var ids = first.GetProperty("data").EnumerateArray().Concat(second.GetProperty("data").EnumerateArray()).Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var own = await host.OwnLogAsync(person.AccessToken);
        Assert.Equal(1, own.Count(type => type == SecurityEventTypes.OperatorSecurityEventsViewed));
        Assert.Equal(3, own.Count(type => type == SecurityEventTypes.SignInSucceeded));
        await OperatorHostFixture.WaitForNoticeAsync(person.Email, "Bkmark support read your account's security activity");
    }

    [Fact]
    public async Task Diagnostics_ShowsTheClientAddressTheFunctionsUse_AndWritesNoEvent()
    {
        // Arrange: the test client is on loopback, a trusted proxy of the local host's front end, and says it forwards 203.0.113.7.
        var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/admin/diagnostics/request");
        request.Headers.Add("x-functions-key", host.FunctionKey);
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Host", "evil.example");

        using var response = await host.Client.SendAsync(request);

        // Assert: the client address is the forwarded one, as sessions and key fences see it; no client-set X-Forwarded-*
        // header reaches a function; the scheme and host are the connection's.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = await response.ReadJsonAsync();
        Assert.Equal("203.0.113.7", seen.GetProperty("clientAddress").GetString());
        Assert.Equal("http", seen.GetProperty("scheme").GetString());
        Assert.Equal(host.BaseAddress.Authority, seen.GetProperty("host").GetString());
        var names = seen.GetProperty("forwardingHeaders").EnumerateArray().Select(h => h.GetProperty("name").GetString()).ToList();
        Assert.DoesNotContain("X-Forwarded-For", names);
        Assert.DoesNotContain("X-Forwarded-Host", names);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    private async Task<string> EnableTotpAsync(string accessToken)
    {
        var setup = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: accessToken);
        var secret = setup.GetProperty("secret").GetString()!;
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = CodeNow(secret) }, accessToken);
        // The next code must be of a fresh time step: each step is accepted once.
        host.Time.Advance(TimeSpan.FromSeconds(30));
        return secret;
    }

    private string CodeNow(string secret) => TotpCalculator.Default.Compute(Base32Encoding.ToBytes(secret), host.Time.GetUtcNow());
}

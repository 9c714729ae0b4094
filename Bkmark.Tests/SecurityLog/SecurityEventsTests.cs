using Azure.Data.Tables;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.TwoFactor;
using Bkmark.Tests.ApiKeys;
using OtpNet;

namespace Bkmark.Tests.SecurityLog;

/// <summary>The security activity log over HTTP through the local host, against Azurite.</summary>
public sealed class SecurityEventsTests(ApiKeyHostFixture host) : IClassFixture<ApiKeyHostFixture>
{
    private const string UserAgent = "SecurityEventsTests/1.0 (X11; Linux x86_64)";

    [Fact]
    public async Task EachAction_WritesItsEvent_WithTypeIpAddressAndUserAgent()
    {
        // Arrange
        var (_, email) = await RegisterProAsync();
        var signIn = await SendAsync(HttpMethod.Post, "api/v1/auth/login", null, new { email, password = Password });
        var token = (await signIn.ReadJsonAsync()).GetProperty("accessToken").GetString()!;

        // Act: every kind of action there is today.
        await SendAsync(HttpMethod.Post, "api/v1/auth/login", null, new { email, password = "wrong password" });
        var secret = (await (await SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", token)).ReadJsonAsync()).GetProperty("secret").GetString()!;
        var enabled = await (await SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", token, new { code = CodeNow(secret) })).ReadJsonAsync();
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var regenerated = await (await SendAsync(HttpMethod.Post, "api/v1/me/two-factor/backup-codes", token, new { code = CodeNow(secret) })).ReadJsonAsync();
        var backupCode = regenerated.GetProperty("backupCodes")[0].GetString()!;
        var backupSignIn = await (await SendAsync(HttpMethod.Post, "api/v1/auth/login", null, new { email, password = Password, twoFactorCode = backupCode })).ReadJsonAsync();
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var reauthenticated = await (await SendAsync(
            HttpMethod.Post, "api/v1/auth/reauthenticate", token, new { password = Password, twoFactorCode = CodeNow(secret) })).ReadJsonAsync();
        token = reauthenticated.GetProperty("accessToken").GetString()!;
        var created = await (await SendAsync(HttpMethod.Post, "api/v1/api-keys", token, new { name = "events", scopes = new[] { "bookmarks:read" } })).ReadJsonAsync();
        var keyId = created.GetProperty("id").GetString()!;
        await SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{keyId}", token, new { name = "renamed" });
        await SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{keyId}", token);
        await SendAsync(HttpMethod.Delete, $"api/v1/me/sessions/{backupSignIn.GetProperty("sessionId").GetString()}", token);
        await SendAsync(HttpMethod.Post, "api/v1/me/sessions/revoke-others", token);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var disabled = await SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/disable", token, new { code = CodeNow(secret) });
        var listed = await SendAsync(HttpMethod.Get, "api/v1/me/security-events?limit=100", token);
        var text = await listed.Content.ReadAsStringAsync();
        var events = (await listed.ReadJsonAsync()).GetProperty("data").EnumerateArray().ToList();

        // Assert
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        string[] expected =
        [
            SecurityEventTypes.SignInSucceeded, SecurityEventTypes.SignInFailed, SecurityEventTypes.TwoFactorEnabled,
            SecurityEventTypes.BackupCodesRegenerated, SecurityEventTypes.BackupCodeUsed, SecurityEventTypes.Reauthenticated,
            SecurityEventTypes.ApiKeyCreated, SecurityEventTypes.ApiKeyUpdated, SecurityEventTypes.ApiKeyRevoked,
            SecurityEventTypes.SessionRevoked, SecurityEventTypes.SessionsRevokedOthers, SecurityEventTypes.TwoFactorDisabled,
        ];
        foreach (var type in expected)
        {
            Assert.Contains(events, e => e.GetProperty("type").GetString() == type);
        }

        Assert.All(events, e =>
        {
            Assert.Equal("127.0.0.1", e.GetProperty("ipAddress").GetString());
            Assert.Equal(UserAgent, e.GetProperty("userAgent").GetString());
            Assert.EndsWith("Z", e.GetProperty("occurredAt").GetString(), StringComparison.Ordinal);
            Assert.Equal(26, e.GetProperty("id").GetString()!.Length);
        });
        var keyCreated = events.Single(e => e.GetProperty("type").GetString() == SecurityEventTypes.ApiKeyCreated);
        Assert.Equal(created.GetProperty("keyPrefix").GetString(), keyCreated.GetProperty("details").GetProperty("keyPrefix").GetString());
        Assert.Equal(reauthenticated.GetProperty("sessionId").GetString(), keyCreated.GetProperty("sessionId").GetString());
        // Never a secret: not the key, the TOTP secret, a backup code or a password.
        Assert.DoesNotContain(created.GetProperty("key").GetString()!, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(backupCode, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(enabled.GetProperty("backupCodes")[1].GetString()!, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_PagesNewestFirst_OverSixtyFiveEvents()
    {
        // Arrange: the address confirmed, a sign-in and 64 "revoke others", a second apart.
        var user = await host.SignUpAsync();
        for (var i = 0; i < 64; i++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "api/v1/me/sessions/revoke-others", user.AccessToken)).StatusCode);
        }

        // Act
        var pages = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var response = await SendAsync(HttpMethod.Get, $"api/v1/me/security-events?limit=25{(cursor is null ? "" : "&cursor=" + cursor)}", user.AccessToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ReadJsonAsync();
            pages.Add(page);
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && pages.Count < 10);

        // Assert
        Assert.Equal([25, 25, 16], pages.Select(p => p.GetProperty("data").GetArrayLength()));
        var all = pages.SelectMany(p => p.GetProperty("data").EnumerateArray()).ToList();
        Assert.Equal(66, all.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        var times = all.Select(e => e.GetProperty("occurredAt").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        // The confirmation and the sign-in share one instant (the clock stands still between them): either order is newest first.
        Assert.Equivalent(
            new[] { SecurityEventTypes.EmailVerified, SecurityEventTypes.SignInSucceeded },
            all.TakeLast(2).Select(e => e.GetProperty("type").GetString()));
        Assert.All(all.SkipLast(2), e => Assert.Equal(SecurityEventTypes.SessionsRevokedOthers, e.GetProperty("type").GetString()));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=ten")]
    [InlineData("cursor=not-a-cursor")]
    [InlineData("cursor=MDAw")]
    public async Task List_Returns400_ForABadLimitOrCursor(string query)
    {
        // Arrange
        var user = await host.SignUpAsync();

        // Act
        var response = await SendAsync(HttpMethod.Get, $"api/v1/me/security-events?{query}", user.AccessToken);

        // Assert
        await response.AssertValidationFailedAsync(query.Split('=')[0]);
    }

    [Fact]
    public async Task List_Returns403_ForAnApiKey()
    {
        // Arrange
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;

        // Act
        var response = await SendAsync(HttpMethod.Get, "api/v1/me/security-events", key);

        // Assert
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ApiKeyNotAllowed);
    }

    [Fact]
    public async Task FailedSignIns_FoldIntoOneEventAMinute_WithACount_AndALockOutIsRecorded()
    {
        // Arrange
        var (_, email) = await RegisterProAsync();
        var token = (await (await SendAsync(HttpMethod.Post, "api/v1/auth/login", null, new { email, password = Password })).ReadJsonAsync())
            .GetProperty("accessToken").GetString()!;

        // Act: three failures in one minute, two in the next (the fifth locks the account), then one refused by the lock.
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(HttpMethod.Post, "api/v1/auth/login", null, new { email, password = "wrong" });
        }

        host.Time.Advance(TimeSpan.FromMinutes(1));
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => SendAsync(HttpMethod.Post, "api/v1/auth/login", null, new { email, password = "wrong" })));
        var locked = await SendAsync(HttpMethod.Post, "api/v1/auth/login", null, new { email, password = Password });
        var unknown = await SendAsync(HttpMethod.Post, "api/v1/auth/login", null, new { email = ApiTestClient.NewEmail(), password = "wrong" });
        var events = (await (await SendAsync(HttpMethod.Get, "api/v1/me/security-events", token)).ReadJsonAsync()).GetProperty("data").EnumerateArray().ToList();

        // Assert
        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests, ErrorCodes.TooManyAttempts);
        await unknown.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials);
        var failed = events.Where(e => e.GetProperty("type").GetString() == SecurityEventTypes.SignInFailed).ToList();
        Assert.Equal([2, 3], failed.Select(e => e.GetProperty("details").GetProperty("count").GetInt32()));
        var throttled = Assert.Single(events, e => e.GetProperty("type").GetString() == SecurityEventTypes.SignInThrottled);
        Assert.Equal(1, throttled.GetProperty("details").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Events_AreNotListedPastNinetyDays_AndTheSweepDeletesThem()
    {
        // Arrange
        var (userId, email) = await RegisterProAsync();
        await SendAsync(HttpMethod.Post, "api/v1/auth/login", null, new { email, password = Password });
        host.Time.Advance(SecurityEventLog.Retention + TimeSpan.FromDays(2));

        // Act
        var token = (await (await SendAsync(HttpMethod.Post, "api/v1/auth/login", null, new { email, password = Password })).ReadJsonAsync())
            .GetProperty("accessToken").GetString()!;
        var listed = await (await SendAsync(HttpMethod.Get, "api/v1/me/security-events", token)).ReadJsonAsync();
        var sweep = await host.RunFunctionAsync("SweepExpired");
        var stored = await StoredEventsAsync(userId);

        // Assert
        Assert.True(sweep.IsSuccessStatusCode);
        Assert.Single(listed.GetProperty("data").EnumerateArray());
        Assert.Single(stored);
    }

    private async Task<List<TableEntity>> StoredEventsAsync(string userId)
    {
        var table = host.Services.GetRequiredService<BkmarkTables>()[TableNames.SecurityEvents, userId];
        var list = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == userId))
        {
            list.Add(entity);
        }

        return list;
    }

    private async Task<(string Id, string Email)> RegisterProAsync()
    {
        var email = ApiTestClient.NewEmail();
        var registered = await SendAsync(HttpMethod.Post, "api/v1/auth/register", null, new { email, password = Password });
        var id = (await registered.ReadJsonAsync()).GetProperty("id").GetString()!;
        await host.Client.VerifyEmailAsync(id, email, UserAgent);
        (await host.SetPlanAsync(id, "pro")).EnsureSuccessStatusCode();
        return (id, email);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? bearer, object? json = null) =>
        host.SendAsync(method, path, json, bearer, UserAgent);

    private string CodeNow(string secret) => TotpCalculator.Default.Compute(Base32Encoding.ToBytes(secret), host.Time.GetUtcNow());
}

using Microsoft.Extensions.Time.Testing;

namespace Bkmark.Tests.ApiKeys;

/// <summary>
/// Per-key usage (DESIGN §18) over HTTP against Azurite: verifications counted in memory per outcome, written with the
/// rate limiter's lease writes and when an instance stops, and added up over every instance by the usage route.
/// </summary>
public sealed class ApiKeyUsageTests(ApiKeyHostFixture host) : IClassFixture<ApiKeyHostFixture>
{
    private const string Inside = "198.51.100.7";

    [Fact]
    public async Task Usage_CountsOkRateLimitedAndIpRefused_OfOneKeyAcrossTwoInstances()
    {
        // Arrange: a key allowed 5 a minute from one network, and a second instance on the same tables, in the same minute.
        var user = await host.SignUpAsync();
        var (id, key) = await FencedKeyAsync(user.AccessToken, rateLimitPerMinute: 5);
        var second = ApiKeyHostFixture.SharingStorageWith(host);
        await second.InitializeAsync();
        InSameMinute(host.Time, second.Time);

        // Act: 3 good on the first, 2 good and 2 over the limit on the second, 1 from outside the fence on the first.
        List<HttpStatusCode> statuses = [];
        try
        {
            foreach (var (instance, from) in new[] { (host, Inside), (host, Inside), (host, Inside), (second, Inside), (second, Inside), (second, Inside), (second, Inside), (host, "203.0.113.9") })
            {
                statuses.Add((await instance.VerifyFromAsync(key, from)).StatusCode);
            }
        }
        finally
        {
            // Stopping writes what the second instance still held; the first writes its own before it answers.
            await second.DisposeAsync();
        }

        var usage = await host.GetJsonAsync(user.AccessToken, $"api/v1/api-keys/{id}/usage?days=30");

        // Assert
        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.Forbidden],
            statuses);
        var days = usage.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(30, days.Count);
        Assert.Equal(DateOnly.FromDateTime(host.Time.GetUtcNow().UtcDateTime), DateOnly.Parse(days[^1].GetProperty("date").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(
            [("ok", 5), ("rate_limited", 2), ("ip_refused", 1), ("expired", 0), ("revoked", 0), ("suspended", 0)],
            days[^1].GetProperty("outcomes").EnumerateObject().Select(o => (o.Name, o.Value.GetInt32())));
        Assert.All(days[..^1], day => Assert.All(day.GetProperty("outcomes").EnumerateObject(), o => Assert.Equal(0, o.Value.GetInt32())));
    }

    [Fact]
    public async Task Verify_StaysOnePointRead_WhileUsageIsCounted()
    {
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;
        (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).EnsureSuccessStatusCode();

        host.StorageRequests.Clear();
        for (var i = 0; i < 3; i++)
        {
            (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).EnsureSuccessStatusCode();
        }

        var requests = host.StorageRequests.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.True(r.IsPointRead));
    }

    [Fact]
    public async Task Usage_Returns404_ForAnotherPersonsKey_AndTheOwnerSeesTheirs()
    {
        // The intruder asks first, with a session and with a key of their own.
        var owner = await host.SignUpAsync();
        var intruder = await host.SignUpAsync();
        var id = (await host.CreateKeyAsync(owner.AccessToken)).GetProperty("id").GetString()!;
        var intruderKey = (await host.CreateKeyAsync(intruder.AccessToken)).GetProperty("key").GetString()!;

        var bySession = await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys/{id}/usage", bearer: intruder.AccessToken);
        var byKey = await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys/{id}/usage", bearer: intruderKey);
        var ownerSees = await host.GetJsonAsync(owner.AccessToken, $"api/v1/api-keys/{id}/usage");

        await bySession.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await byKey.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        Assert.Equal(id, ownerSees.GetProperty("keyId").GetString());
        Assert.Equal(30, ownerSees.GetProperty("days").GetArrayLength());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("91")]
    [InlineData("ten")]
    [InlineData("-1")]
    public async Task Usage_Returns400NamingDays_WhenDaysIsNotFrom1To90(string days)
    {
        var user = await host.SignUpAsync();
        var id = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("id").GetString()!;

        var response = await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys/{id}/usage?days={days}", bearer: user.AccessToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        Assert.Contains("days", problem.ToString(), StringComparison.Ordinal);
    }

    private async Task<(string Id, string Key)> FencedKeyAsync(string accessToken, int rateLimitPerMinute)
    {
        var created = await host.CreateKeyAsync(accessToken, new { name = "n", scopes = new[] { "bookmarks:read" }, rateLimitPerMinute });
        var id = created.GetProperty("id").GetString()!;
        (await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{id}", new { allowedIps = new[] { "198.51.100.0/24" } }, accessToken)).EnsureSuccessStatusCode();
        return (id, created.GetProperty("key").GetString()!);
    }

    /// <summary>Both clocks at the same instant, a second into a minute, so both instances lease in one rate window.</summary>
    private static void InSameMinute(FakeTimeProvider first, FakeTimeProvider second)
    {
        var later = first.GetUtcNow() > second.GetUtcNow() ? first.GetUtcNow() : second.GetUtcNow();
        var at = new DateTimeOffset(later.Ticks - later.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(1).AddSeconds(1);
        first.SetUtcNow(at);
        second.SetUtcNow(at);
    }
}

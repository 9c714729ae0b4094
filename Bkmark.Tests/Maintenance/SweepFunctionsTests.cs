using Bkmark.LocalHost;
using Bkmark.Tests.ApiKeys;
using Microsoft.Extensions.Configuration;

namespace Bkmark.Tests.Maintenance;

/// <summary>The sweep and the backfill as an operator runs them: through the local host's admin endpoint, over HTTP.</summary>
public sealed class SweepFunctionsTests(ApiKeyHostFixture host) : IClassFixture<ApiKeyHostFixture>
{
    [Fact]
    public async Task SweepExpired_KeepsRevokedKeyAnsweringTokenRevokedUntilRetentionEnds_ThenInvalidToken()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var revoked = created.GetProperty("key").GetString()!;
        var live = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;
        (await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{created.GetProperty("id").GetString()}", bearer: user.AccessToken)).EnsureSuccessStatusCode();

        host.Time.Advance(TimeSpan.FromDays(29));
        var firstRun = await host.RunFunctionAsync("SweepExpired");
        var duringRetention = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: revoked);
        host.Time.Advance(TimeSpan.FromDays(1) + SweepTestData.BucketClosed);
        var secondRun = await host.RunFunctionAsync("SweepExpired");
        var afterRetention = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: revoked);
        var liveKey = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: live);

        Assert.Equal(HttpStatusCode.Accepted, firstRun.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, secondRun.StatusCode);
        await duringRetention.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await afterRetention.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidToken);
        Assert.Equal(HttpStatusCode.OK, liveKey.StatusCode);
    }

    [Fact]
    public async Task BackfillExpiryIndex_RunsOnDemandThroughTheAdminEndpoint()
    {
        var response = await host.RunFunctionAsync("BackfillExpiryIndex");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("%Sweep:Schedule%", "0 */15 * * * *")]
    [InlineData("%Sweep:BackfillSchedule%", "0 0 0 1 1 *")]
    public void LocalHostDefaults_GiveTheTimersASchedule_WhenNothingIsConfigured(string schedule, string expected)
    {
        var defaults = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();

        var resolved = TimerSchedule.Resolve("SweepExpired", schedule, defaults);

        Assert.Equal(expected, resolved.Expression);
    }
}

namespace Bkmark.Tests.Health;

/// <summary>
/// <c>GET /api/health</c> (DESIGN §18) on a host whose table service is an Azurite of this test's own, stopped and
/// started again: the route names tables as failing while it is down and answers 200 once it is back.
/// </summary>
public sealed class HealthTests(HealthTests.HealthHostFixture host) : IClassFixture<HealthTests.HealthHostFixture>
{
    [Fact]
    public async Task Health_Returns503NamingTables_WhileTheTableServiceIsStopped_And200AfterItIsBack()
    {
        var before = await host.SendAsync(HttpMethod.Get, "api/health");
        var healthy = await before.ReadJsonAsync();

        await host.Tables.StopAsync();
        // The answer is cached 10 s: past that, the next call checks again.
        host.Time.Advance(TimeSpan.FromSeconds(11));
        var during = await host.SendAsync(HttpMethod.Get, "api/health");
        var failing = await during.ReadJsonAsync();

        await host.Tables.StartAsync();
        host.Time.Advance(TimeSpan.FromSeconds(11));
        var after = await host.SendAsync(HttpMethod.Get, "api/health");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal("""{"status":"ok","checks":{"tables":"ok","queues":"ok","secrets":"ok"}}""", healthy.ToString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal("""{"status":"failing","checks":{"tables":"failing","queues":"ok","secrets":"ok"}}""", failing.ToString());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Health_IsCached_SoAStoppedServiceShowsOnlyAfterTenSeconds()
    {
        (await host.SendAsync(HttpMethod.Get, "api/health")).EnsureSuccessStatusCode();
        host.Time.Advance(TimeSpan.FromSeconds(11));
        var first = await host.SendAsync(HttpMethod.Get, "api/health");

        await host.Tables.StopAsync();
        try
        {
            var cached = await host.SendAsync(HttpMethod.Get, "api/health");

            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        }
        finally
        {
            await host.Tables.StartAsync();
            host.Time.Advance(TimeSpan.FromSeconds(11));
        }
    }

    /// <summary>The local host on its own Azurite table service (started before the host, so it can create its tables).</summary>
    public sealed class HealthHostFixture : LocalHostFixture, IAsyncLifetime
    {
        public HealthHostFixture()
            : this(new PrivateAzuriteTables())
        {
        }

        private HealthHostFixture(PrivateAzuriteTables tables)
            : base(new Dictionary<string, string?> { ["Storage:ConnectionString"] = tables.ConnectionString })
        {
            Tables = tables;
        }

        public PrivateAzuriteTables Tables { get; }

        protected override bool RunsQueueTriggers => false;

        async Task IAsyncLifetime.InitializeAsync()
        {
            await Tables.StartAsync();
            await InitializeAsync();
        }

        async Task IAsyncLifetime.DisposeAsync()
        {
            await DisposeAsync();
            await Tables.DisposeAsync();
        }
    }
}

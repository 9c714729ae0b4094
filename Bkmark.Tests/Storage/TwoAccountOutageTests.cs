using Bkmark.Core.Maintenance;

namespace Bkmark.Tests.Storage;

/// <summary>
/// One of two storage accounts down (its Azurite stopped): what needs it answers 503 <c>STORAGE_UNAVAILABLE</c>, what
/// lives in the other account is served, the health route names the account, and the sweep still sweeps the other.
/// </summary>
public sealed class TwoAccountOutageTests(TwoAccountOutageTests.OutageHostFixture host) : IClassFixture<TwoAccountOutageTests.OutageHostFixture>
{
    [Fact]
    public async Task Requests_ThatNeedTheStoppedAccount_Answer503_WhileThoseOfTheOtherAreServed()
    {
        // Arrange: a user and a key credential in each account, made (and each key used once) while both are up.
        var users = await host.SignUpInEachAccountAsync();
        var keys = await host.KeysInEachAccountAsync(users[1].AccessToken);

        // Act: account 0 goes down.
        await host.Account0.StopAsync();
        HttpResponseMessage[] jwts, apiKeys;
        Exception? sweep;
        HttpResponseMessage health;
        try
        {
            jwts = [await Verify(users[0].AccessToken), await Verify(users[1].AccessToken)];
            apiKeys = [await Verify(keys[0]), await Verify(keys[1])];
            sweep = await Record.ExceptionAsync(() => host.Services.GetRequiredService<ExpirySweeper>().RunAsync(CancellationToken.None));
            // Past the health route's cache.
            host.Time.Advance(TimeSpan.FromSeconds(11));
            health = await host.SendAsync(HttpMethod.Get, "api/health");
        }
        finally
        {
            // Back (empty: it kept its data in memory), so the host's last usage flush meets an answer when it stops.
            await host.Account0.StartAsync();
        }

        var account1Checkpoint = await host.Direct(1, TableNames.SweepState).GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("expiry-sweep", "checkpoint");

        // Assert
        foreach (var needsAccount0 in new[] { jwts[0], apiKeys[0] })
        {
            await needsAccount0.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, ErrorCodes.StorageUnavailable);
            Assert.NotNull(needsAccount0.Headers.RetryAfter);
        }

        Assert.Equal(HttpStatusCode.OK, jwts[1].StatusCode);
        Assert.Equal(HttpStatusCode.OK, apiKeys[1].StatusCode);
        Assert.NotNull(sweep); // the run reports the account it could not sweep ...
        Assert.True(account1Checkpoint.HasValue); // ... after sweeping the other one
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(
            """{"status":"failing","checks":{"tables (account 0)":"failing","tables (account 1)":"ok","queues":"ok","secrets":"ok"}}""",
            (await health.ReadJsonAsync()).ToString());
    }

    private Task<HttpResponseMessage> Verify(string bearer) => host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: bearer);

    /// <summary>Two accounts, account 0 an Azurite table service of this fixture's own (started before the host, stopped by the test), account 1 the tests' Azurite.</summary>
    public sealed class OutageHostFixture : TwoAccountsHostFixture, IAsyncLifetime
    {
        public OutageHostFixture()
            : this(new PrivateAzuriteTables())
        {
        }

        private OutageHostFixture(PrivateAzuriteTables account0)
            : base(account0.ConnectionString, AzuriteStorage.ConnectionString)
        {
            Account0 = account0;
        }

        public PrivateAzuriteTables Account0 { get; }

        async Task IAsyncLifetime.InitializeAsync()
        {
            await Account0.StartAsync();
            await InitializeAsync();
        }

        async Task IAsyncLifetime.DisposeAsync()
        {
            await DisposeAsync();
            await Account0.DisposeAsync();
        }
    }
}

using System.Diagnostics;
using Azure.Data.Tables;
using Bkmark.Core.Credentials;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Sessions;
using Xunit.Abstractions;

namespace Bkmark.Tests.Maintenance;

/// <summary>
/// DESIGN.md §5: a sweep's storage operations follow what expired, not what is stored. 500 expired
/// sign-ins (a session and a refresh token each) among 5,000 and among 50,000 live sessions, each live
/// one with its index entry in a future bucket as the service would have written it.
/// </summary>
public sealed class SweepCostTests(ITestOutputHelper output)
{
    private const int Expired = 500;

    // Query paging may differ by a page between runs; nothing else may.
    private const int Slack = 3;

    [Fact]
    [Trait("Category", "OneAccount")] // counts one account's sweep
    public async Task RunAsync_MakesTheSameStorageRequests_AmongFiveThousandOrFiftyThousandLiveSessions()
    {
        var small = await MeasureAsync(5_000);
        var large = await MeasureAsync(50_000);

        output.WriteLine($"{Expired} expired among {small.Live:N0} live: {small.Requests} storage requests, sweep {small.Sweep.TotalMilliseconds:F0} ms (seeding {small.Seed.TotalSeconds:F1} s)");
        output.WriteLine($"{Expired} expired among {large.Live:N0} live: {large.Requests} storage requests, sweep {large.Sweep.TotalMilliseconds:F0} ms (seeding {large.Seed.TotalSeconds:F1} s)");
        Assert.InRange(large.Requests, small.Requests - Slack, small.Requests + Slack);
        Assert.Equal((small.Live, 0), (small.SessionsLeft, small.RefreshTokensLeft));
        Assert.Equal((large.Live, 0), (large.SessionsLeft, large.RefreshTokensLeft));
    }

    private static async Task<Measurement> MeasureAsync(int live)
    {
        // One handler at a time, so the order (and so the count of "already gone" answers) is the same in both runs.
        await using var core = await CoreServices.StartAsync(new Dictionary<string, string?> { ["Sweep:Parallelism"] = "1" });
        var seeding = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Expired), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) => await core.SignInAsync());
        await SeedLiveSessionsAsync(core, live);
        seeding.Stop();

        core.Time.Advance(TimeSpan.FromDays(7) + SweepTestData.BucketClosed);
        core.StorageRequests.Clear();
        var sweeping = Stopwatch.StartNew();
        var report = await core.Get<ExpirySweeper>().RunAsync(CancellationToken.None);
        sweeping.Stop();
        var requests = core.StorageRequests.Requests.Count;

        Assert.Equal(0, report.Failed);
        return new Measurement(
            live, requests, await core.CountAsync(TableNames.Sessions), await core.CountAsync(TableNames.RefreshTokens), sweeping.Elapsed, seeding.Elapsed);
    }

    /// <summary>
    /// Written directly, 100 per transaction and many partitions at once: sessions a month from expiry, and their index
    /// entries. Upserts, so the storage client retrying a transaction that did land (a timeout on a busy machine) is no 409.
    /// </summary>
    private static async Task SeedLiveSessionsAsync(CoreServices core, int count)
    {
        var now = core.Time.GetUtcNow();
        var ids = core.Get<IdGenerator>();
        var sessions = Enumerable.Range(0, count).Select(i => new SessionEntity
        {
            PartitionKey = $"LIVEUSER{i / ExpiryIndex.MaxBatchSize:D18}",
            RowKey = ids.NewId(),
            CreatedAt = now,
            LastActiveAt = now,
            // Spread over a day of buckets, a month from now.
            RefreshExpiresAt = now + TimeSpan.FromDays(30) + TimeSpan.FromMinutes(15 * (i % 96)),
            AbsoluteExpiresAt = now + TimeSpan.FromDays(60),
        }).ToList();

        var tables = core.Get<BkmarkTables>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16 };
        // Upserts: on a loaded machine the client retries a transaction that timed out after it was applied,
        // and an Add would then fail the seeding with 409.
        await Parallel.ForEachAsync(sessions.Chunk(ExpiryIndex.MaxBatchSize), parallel, async (chunk, token) =>
            await tables[TableNames.Sessions, chunk[0].PartitionKey].SubmitTransactionAsync(chunk.Select(s => new TableTransactionAction(TableTransactionActionType.UpsertReplace, s)), token));

        var index = core.Get<ExpiryIndex>();
        var entries = sessions.Select(s => new ScheduledExpiry(new ExpiryTarget(SessionExpiryHandler.KindName, s.PartitionKey, s.RowKey), s.DeletableAt()));
        await Parallel.ForEachAsync(entries.GroupBy(e => index.BucketOf(e.DueAt)).SelectMany(bucket => bucket.Chunk(ExpiryIndex.MaxBatchSize)), parallel, async (chunk, token) =>
            await index.ScheduleAsync(chunk, token));
    }

    private sealed record Measurement(int Live, int Requests, int SessionsLeft, int RefreshTokensLeft, TimeSpan Sweep, TimeSpan Seed);
}

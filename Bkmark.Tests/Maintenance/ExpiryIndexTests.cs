using Bkmark.Core.Maintenance;
using Bkmark.Core.Sessions;

namespace Bkmark.Tests.Maintenance;

/// <summary>DESIGN.md §13: a bucket's entries spread over 16 partitions, and the sweep reads all of them, old unsharded ones too.</summary>
public sealed class ExpiryIndexTests : CoreServicesTest
{
    [Fact]
    public async Task SignIns_AtOneInstant_SpreadOverEveryShard_AndTheSweepOfTheClosedBucketFindsThemAll()
    {
        // 256 sign-ins: the chance that a fair hash leaves one of 16 shards empty is about one in a million.
        const int signIns = 256;
        await Parallel.ForEachAsync(Enumerable.Range(0, signIns), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) => await Core.SignInAsync());
        var bucket = Core.Get<ExpiryIndex>().BucketOf(Core.Time.GetUtcNow() + TimeSpan.FromDays(7));

        var partitions = await PartitionsAsync();
        var report = await Core.SweepAfterAsync(TimeSpan.FromDays(7) + SweepTestData.BucketClosed);

        Assert.Equal(Enumerable.Range(0, ExpiryIndex.ShardCount).Select(shard => $"{bucket}-{shard:D2}"), partitions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2 * signIns, partitions.Values.Sum());
        Assert.Equal((2 * signIns, 0), (report.Entries, report.Failed));
        Assert.Equal(0, await Core.CountAsync(TableNames.Sessions));
        Assert.Equal(0, await Core.CountAsync(TableNames.RefreshTokens));
        Assert.Empty(await PartitionsAsync());
    }

    [Fact]
    [Trait("Category", "OneAccount")] // on several accounts the two entries are one write only when the user and the token share an account
    public async Task SignIn_SchedulesSessionAndRefreshTokenInOneShard_InOneWrite()
    {
        Core.StorageRequests.Clear();

        await Core.SignInAsync();

        // The session, its refresh token, and one transaction of both index entries (a batch's path names no
        // table). The security log's event and its day's index entry are the log's own writes.
        var writes = Core.StorageRequests.Requests.Where(r => r.IsWrite).ToList();
        Assert.Single(writes, r => r.IsBatch);
        Assert.Single(writes, r => IsTo(r, TableNames.Sessions));
        Assert.Single(writes, r => IsTo(r, TableNames.RefreshTokens));
        Assert.Equal(2, Assert.Single(await PartitionsAsync()).Value);
    }

    [Fact]
    public async Task RunAsync_SweepsEntriesWrittenBeforeSharding_BesideShardedOnesOfTheSameBucket()
    {
        var (userId, tokens) = await Core.SignInAsync();
        var legacy = await StoreSessionWithUnshardedEntryAsync(refreshExpiresAt: Core.Time.GetUtcNow() + TimeSpan.FromDays(7));

        var report = await Core.SweepAfterAsync(TimeSpan.FromDays(7) + SweepTestData.BucketClosed);

        Assert.Equal((3, 0), (report.Entries, report.Failed));
        Assert.Null(await Core.FindSessionAsync(userId, tokens.SessionId));
        Assert.Null(await Core.FindSessionAsync(legacy.PartitionKey, legacy.RowKey));
        Assert.Empty(await PartitionsAsync());
    }

    [Fact]
    public void ShardOf_IsStable_AndWithinTheShardCount()
    {
        var shards = Enumerable.Range(0, 1_000).Select(i => ExpiryIndex.ShardOf($"session|USER{i}|SESSION{i}")).ToList();

        Assert.All(shards, shard => Assert.InRange(shard, 0, ExpiryIndex.ShardCount - 1));
        Assert.Equal(shards, Enumerable.Range(0, 1_000).Select(i => ExpiryIndex.ShardOf($"session|USER{i}|SESSION{i}")));
        Assert.Equal("20261125T1200", ExpiryIndex.BucketOfPartition("20261125T1200-07"));
        Assert.Equal("20261125T1200", ExpiryIndex.BucketOfPartition("20261125T1200"));
    }

    /// <summary>A session and its index entry as the code before sharding wrote it: PartitionKey = the bare bucket.</summary>
    private async Task<SessionEntity> StoreSessionWithUnshardedEntryAsync(DateTimeOffset refreshExpiresAt)
    {
        var session = new SessionEntity
        {
            PartitionKey = "01JCLEGACYUSER000000000001",
            RowKey = "01JCLEGACYSESS000000000001",
            CreatedAt = Core.Time.GetUtcNow(),
            LastActiveAt = Core.Time.GetUtcNow(),
            RefreshExpiresAt = refreshExpiresAt,
            AbsoluteExpiresAt = refreshExpiresAt + TimeSpan.FromDays(20),
        };
        await Core.Get<SessionStore>().AddAsync(session, CancellationToken.None);
        var tables = Core.Get<BkmarkTables>();
        await tables.InAccount(tables.Ranges.AccountOf(session.PartitionKey), TableNames.ExpiryIndex).AddEntityAsync(new ExpiryIndexEntity
        {
            PartitionKey = Core.Get<ExpiryIndex>().BucketOf(session.DeletableAt()),
            RowKey = $"{SessionExpiryHandler.KindName}|{session.PartitionKey}|{session.RowKey}",
            Kind = SessionExpiryHandler.KindName,
            TargetPartition = session.PartitionKey,
            TargetRow = session.RowKey,
            DueAt = session.DeletableAt(),
        });
        return session;
    }

    /// <summary>The index partitions holding sessions' and refresh tokens' entries (other kinds, such as the security log's, are not sign-ins' to spread).</summary>
    private async Task<Dictionary<string, int>> PartitionsAsync()
    {
        var partitions = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var entry in Core.Get<BkmarkTables>().EveryAccount(TableNames.ExpiryIndex).QueryAllAsync<ExpiryIndexEntity>(null, null, CancellationToken.None))
        {
            if (entry.Kind is SessionExpiryHandler.KindName or RefreshTokenExpiryHandler.KindName)
            {
                partitions[entry.PartitionKey] = partitions.GetValueOrDefault(entry.PartitionKey) + 1;
            }
        }

        return partitions;
    }

    private bool IsTo(StorageRequest request, string table) =>
        request.Uri.AbsolutePath.Contains("/" + Core.Get<BkmarkTables>().InAccount(0, table).Name, StringComparison.Ordinal);
}

namespace Bkmark.Core.Maintenance;

/// <summary>
/// The expiry index: what may need deleting, partitioned by the time bucket in which it becomes
/// deletable, so the sweep reads only closed buckets and never what is still live. Each bucket is
/// spread over <see cref="ShardCount"/> partitions (<c>{bucket}-{shard}</c>, DESIGN.md §13): every
/// sign-in of one minute writes into the same bucket, and one partition takes only about 2,000
/// entities a second (docs/scale.md).
/// </summary>
/// <remarks>
/// Features schedule a target <em>before</em> writing it: a crash in between leaves an entry pointing at
/// nothing (harmless), never a thing the sweep cannot find. Scheduling is an upsert, so it is idempotent.
/// Entries written before sharding sit in the bare <c>{bucket}</c> partition; that sorts just before the
/// bucket's shards, so the sweep's range read meets them too. With several storage accounts each has its own index,
/// and an entry goes to the account of its target (the target's partition key decides, DESIGN.md §19).
/// </remarks>
public sealed class ExpiryIndex
{
    /// <summary>
    /// The sweep reads a bucket once it has closed. Nothing is scheduled closer than this to now, so a
    /// write computed just before a bucket closed (or by an instance whose clock lags) lands in a bucket
    /// that has not closed yet; write latency and clock skew must stay below it.
    /// </summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMinutes(1);

    /// <summary>At most this many actions go in one transaction (the service's limit).</summary>
    public const int MaxBatchSize = PartitionDeletes.MaxTransactionActions;

    /// <summary>Partitions per bucket. Changing it is safe: the sweep reads whatever partitions a bucket has.</summary>
    public const int ShardCount = 16;

    private const string BucketFormat = "yyyyMMdd'T'HHmm";

    // Separates a bucket from its shard; neither a bucket nor a shard contains it.
    private const char ShardSeparator = '-';

    private readonly ExpiryIndexStore store;
    private readonly TimeProvider time;
    private readonly IOptions<SweepOptions> options;

    // Internal because the store it takes is; registered with AddServiceWithInternalConstructor.
    internal ExpiryIndex(
        ExpiryIndexStore store,
        TimeProvider time,
        IOptions<SweepOptions> options)
    {
        this.store = store;
        this.time = time;
        this.options = options;
    }

    private TimeSpan BucketSize => options.Value.BucketSize;

    /// <summary>
    /// <paramref name="at"/> + <paramref name="delay"/>, or the last representable moment when that would
    /// overflow: a deadline computed from a stored date (an expiry plus retention) must never throw in the
    /// sweep, or the entry would fail on every run and hold the checkpoint at its bucket.
    /// </summary>
    public static DateTimeOffset Deadline(DateTimeOffset at, TimeSpan delay) =>
        DateTimeOffset.MaxValue - at <= delay ? DateTimeOffset.MaxValue : at + delay;

    /// <summary>The bucket (PartitionKey) holding <paramref name="at"/>: its start, as <c>yyyyMMddTHHmm</c> UTC. Sorts as time does.</summary>
    public string BucketOf(DateTimeOffset at)
    {
        var ticks = at.UtcTicks - at.UtcTicks % BucketSize.Ticks;
        return new DateTimeOffset(ticks, TimeSpan.Zero).ToString(BucketFormat, CultureInfo.InvariantCulture);
    }

    /// <summary>The bucket a partition belongs to: <c>{bucket}-{shard}</c>, or a bare <c>{bucket}</c> written before sharding.</summary>
    public static string BucketOfPartition(string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        var separator = partitionKey.IndexOf(ShardSeparator, StringComparison.Ordinal);
        return separator < 0 ? partitionKey : partitionKey[..separator];
    }

    /// <summary>
    /// The shard of an entry: a stable hash of its RowKey (the target's kind and keys), so the same
    /// target always lands in the same partition of a bucket and re-scheduling it stays one entry.
    /// </summary>
    public static int ShardOf(string entryRowKey)
    {
        ArgumentNullException.ThrowIfNull(entryRowKey);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(entryRowKey), digest);
        return digest[0] % ShardCount;
    }

    /// <summary>Schedules <paramref name="kind"/>'s target (<paramref name="partitionKey"/>, <paramref name="rowKey"/>) for a look at <paramref name="dueAt"/>.</summary>
    public Task ScheduleAsync(string kind, string partitionKey, string rowKey, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        ScheduleAsync([new ScheduledExpiry(new ExpiryTarget(kind, partitionKey, rowKey), dueAt)], cancellationToken);

    /// <summary>Schedules several targets, each in its own shard: one write per partition (of an account's index) they fall in (per 100 of them).</summary>
    public Task ScheduleAsync(IReadOnlyCollection<ScheduledExpiry> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var earliest = time.GetUtcNow() + SettleTime;
        return WriteAsync(items.Select(item => NewEntry(item, earliest, sharedShard: null)), cancellationToken);
    }

    /// <summary>
    /// Schedules targets that belong together (a session and its first refresh token) in the shard of the
    /// first, so those falling in one bucket (and living in one account) cost one transaction. The others' entries then
    /// sit outside their own shard, which only the spread notices: the sweep reads every shard of a bucket.
    /// </summary>
    public Task ScheduleTogetherAsync(IReadOnlyList<ScheduledExpiry> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return Task.CompletedTask;
        }

        var earliest = time.GetUtcNow() + SettleTime;
        var shard = ShardOf(EntryRowKey(items[0].Target));
        return WriteAsync(items.Select(item => NewEntry(item, earliest, shard)), cancellationToken);
    }

    private async Task WriteAsync(IEnumerable<ExpiryIndexEntity> entries, CancellationToken cancellationToken)
    {
        foreach (var partition in entries.GroupBy(e => (Account: store.AccountOf(e.TargetPartition), e.PartitionKey)))
        {
            // Distinct RowKeys: a transaction may not touch one entity twice.
            foreach (var chunk in partition.DistinctBy(e => e.RowKey).Chunk(MaxBatchSize))
            {
                await store.UpsertAsync(partition.Key.Account, chunk, cancellationToken);
            }
        }
    }

    private ExpiryIndexEntity NewEntry(ScheduledExpiry item, DateTimeOffset earliest, int? sharedShard)
    {
        var (kind, partitionKey, rowKey) = item.Target;
        var entryRowKey = EntryRowKey(item.Target);
        var bucket = BucketOf(item.DueAt > earliest ? item.DueAt : earliest);
        var shard = sharedShard ?? ShardOf(entryRowKey);
        return new ExpiryIndexEntity
        {
            Kind = kind,
            TargetPartition = partitionKey,
            TargetRow = rowKey,
            DueAt = item.DueAt,
            PartitionKey = string.Create(CultureInfo.InvariantCulture, $"{bucket}{ShardSeparator}{shard:D2}"),
            RowKey = entryRowKey,
        };
    }

    private static string EntryRowKey(ExpiryTarget target)
    {
        var (kind, partitionKey, rowKey) = target;
        CheckKeyPart(kind, nameof(kind), allowSeparator: false);
        CheckKeyPart(partitionKey, nameof(partitionKey), allowSeparator: false);
        CheckKeyPart(rowKey, nameof(rowKey), allowSeparator: true);
        return $"{kind}|{partitionKey}|{rowKey}";
    }

    // Key characters Table Storage refuses: '/', '\', '#', '?' and control characters. '|' separates the parts.
    private static void CheckKeyPart(string value, string name, bool allowSeparator)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Length > 255 || value.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) || (c == '|' && !allowSeparator)))
        {
            throw new ArgumentException($"'{value}' cannot be part of an expiry-index key.", name);
        }
    }
}

using System.Globalization;
using Bkmark.Core.Storage;
using Microsoft.Extensions.Options;

namespace Bkmark.Core.Maintenance;

/// <summary>
/// The expiry index: what may need deleting, partitioned by the time bucket in which it becomes
/// deletable, so the sweep reads only closed buckets and never what is still live.
/// </summary>
/// <remarks>
/// Features schedule a target <em>before</em> writing it: a crash in between leaves an entry pointing at
/// nothing (harmless), never a thing the sweep cannot find. Scheduling is an upsert, so it is idempotent.
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

    private const string BucketFormat = "yyyyMMdd'T'HHmm";

    private readonly ExpiryIndexStore store;
    private readonly TimeProvider time;
    private readonly IOptions<SweepOptions> options;

    // Internal because the store it takes is; built by a factory in AddExpirySweep.
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

    /// <summary>The bucket (PartitionKey) holding <paramref name="at"/>: its start, as <c>yyyyMMddTHHmm</c> UTC. Sorts as time does.</summary>
    public string BucketOf(DateTimeOffset at)
    {
        var ticks = at.UtcTicks - at.UtcTicks % BucketSize.Ticks;
        return new DateTimeOffset(ticks, TimeSpan.Zero).ToString(BucketFormat, CultureInfo.InvariantCulture);
    }

    /// <summary>Schedules <paramref name="kind"/>'s target (<paramref name="partitionKey"/>, <paramref name="rowKey"/>) for a look at <paramref name="dueAt"/>.</summary>
    public Task ScheduleAsync(string kind, string partitionKey, string rowKey, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        ScheduleAsync([new ScheduledExpiry(new ExpiryTarget(kind, partitionKey, rowKey), dueAt)], cancellationToken);

    /// <summary>Schedules several targets: one write per bucket they fall in (per 100 of them).</summary>
    public async Task ScheduleAsync(IReadOnlyCollection<ScheduledExpiry> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var earliest = time.GetUtcNow() + SettleTime;
        var entries = items.Select(item => NewEntry(item, earliest));
        foreach (var bucket in entries.GroupBy(e => e.PartitionKey))
        {
            // Distinct RowKeys: a transaction may not touch one entity twice.
            foreach (var chunk in bucket.DistinctBy(e => e.RowKey).Chunk(MaxBatchSize))
            {
                await store.UpsertAsync(chunk, cancellationToken);
            }
        }
    }

    private ExpiryIndexEntity NewEntry(ScheduledExpiry item, DateTimeOffset earliest)
    {
        var (kind, partitionKey, rowKey) = item.Target;
        CheckKeyPart(kind, nameof(kind), allowSeparator: false);
        CheckKeyPart(partitionKey, nameof(partitionKey), allowSeparator: false);
        CheckKeyPart(rowKey, nameof(rowKey), allowSeparator: true);
        return new ExpiryIndexEntity
        {
            Kind = kind,
            TargetPartition = partitionKey,
            TargetRow = rowKey,
            DueAt = item.DueAt,
            PartitionKey = BucketOf(item.DueAt > earliest ? item.DueAt : earliest),
            RowKey = $"{kind}|{partitionKey}|{rowKey}",
        };
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

using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Bkmark.Core.Telemetry;

namespace Bkmark.Core.Maintenance;

/// <summary>
/// Deletes what has expired (DESIGN.md §4): reads the expiry index from the checkpoint up to the last
/// closed bucket and hands each entry to its kind's <see cref="IExpiryHandler"/>. Its cost follows what
/// came due, never what is stored: live things sit in buckets that have not closed.
/// </summary>
/// <remarks>
/// Safe under faults. Handlers delete conditionally and treat "gone" as done, so a second sweep at the
/// same time, or a repeat after a crash, changes nothing. An entry is removed only after its target was
/// handled; one that failed stays (logged) for the next run, and the checkpoint never passes its
/// bucket. At most <see cref="SweepOptions.ItemBudget"/> entries per run; the rest is the next run's.
/// Then each <see cref="IRetentionSweep"/> clears what is too old in a store the index cannot cover.
/// With several storage accounts (DESIGN.md §19) each account's index, checkpoint and budget are its own, and the
/// sweep of an account handles only entries whose targets live in it.
/// </remarks>
public sealed partial class ExpirySweeper
{
    private readonly ExpiryIndex index;
    private readonly ExpiryIndexStore store;
    private readonly IReadOnlyDictionary<string, IExpiryHandler> handlers;
    private readonly IReadOnlyList<IRetentionSweep> retentionSweeps;
    private readonly TimeProvider time;
    private readonly SweepOptions options;
    private readonly ILogger<ExpirySweeper> logger;
    private readonly BkmarkMetrics metrics;

    // Internal because the store it takes is; registered with AddServiceWithInternalConstructor.
    internal ExpirySweeper(
        ExpiryIndex index,
        ExpiryIndexStore store,
        IEnumerable<IExpiryHandler> handlers,
        IEnumerable<IRetentionSweep> retentionSweeps,
        TimeProvider time,
        IOptions<SweepOptions> options,
        ILogger<ExpirySweeper> logger,
        BkmarkMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(options);
        this.index = index;
        this.store = store;
        this.handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
        this.retentionSweeps = [.. retentionSweeps];
        this.time = time;
        this.options = options.Value;
        this.logger = logger;
        this.metrics = metrics;
    }

    /// <summary>
    /// Sweeps each storage account in turn (each has its own index and checkpoint), then clears the retained stores. An
    /// account that cannot be swept is logged and left for the next run while the others are swept; the run then throws
    /// what stopped it, so the timer's invocation shows as failed.
    /// </summary>
    /// <returns>What the accounts' sweeps and the retention sweeps did, added up; the next bucket is the earliest account's.</returns>
    public async Task<SweepReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var reports = new List<SweepReport>(store.Accounts);
        var failures = new List<Exception>();
        for (var account = 0; account < store.Accounts; account++)
        {
            try
            {
                reports.Add(await RunAsync(account, cancellationToken));
            }
            catch (Exception exception) when (!IsCancellation(exception, cancellationToken))
            {
                LogAccountFailed(logger, account, exception);
                failures.Add(exception);
            }
        }

        var retained = new Tally();
        await SweepRetainedAsync(time.GetUtcNow(), retained, cancellationToken);
        if (failures.Count == 1)
        {
            ExceptionDispatchInfo.Throw(failures[0]);
        }

        if (failures.Count > 1)
        {
            throw new AggregateException("The expiry sweep failed in several storage accounts.", failures);
        }

        var retention = retained.ToReport(0, reports.Select(report => report.NextBucket).Min(StringComparer.Ordinal)!, false, TimeSpan.Zero);
        return SweepReport.Sum([.. reports, retention], time.GetElapsedTime(started));
    }

    /// <summary>
    /// Sweeps one account: reads its index from its checkpoint up to the last closed bucket, hands each entry to its kind's
    /// handler (the entry's target lives in this account) and moves its checkpoint. The retention sweeps are not run.
    /// </summary>
    public async Task<SweepReport> RunAsync(int account, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();
        var openBucket = index.BucketOf(now);
        var checkpoint = await store.ReadCheckpointAsync(account, cancellationToken);
        var tally = new Tally();

        // Up to the budget, in bucket order. The first entry beyond it marks the first bucket left unfinished.
        var entries = new List<ExpiryIndexEntity>();
        string? unfinished = null;
        var budgetReached = false;
        await foreach (var entry in store.ReadAsync(account, checkpoint.NextBucket, openBucket, cancellationToken))
        {
            if (entries.Count == options.ItemBudget)
            {
                unfinished = ExpiryIndex.BucketOfPartition(entry.PartitionKey);
                budgetReached = true;
                break;
            }

            entries.Add(entry);
        }

        // Handled across all shards at once; then each partition's handled entries are removed together.
        var handled = await HandleAllAsync(entries, now, tally, cancellationToken);
        foreach (var partition in entries.GroupBy(e => e.PartitionKey))
        {
            if (!await RemoveHandledAsync(account, partition.Key, partition.Count(), handled, cancellationToken))
            {
                // The checkpoint is a bucket: it may not pass the earliest bucket with an entry left.
                unfinished = Earlier(unfinished, ExpiryIndex.BucketOfPartition(partition.Key));
            }
        }

        var nextBucket = unfinished ?? openBucket;
        await AdvanceCheckpointAsync(account, checkpoint, nextBucket, cancellationToken);

        var report = tally.ToReport(entries.Count, nextBucket, budgetReached, time.GetElapsedTime(started));
        LogSummary(
            logger,
            report.Failed > 0 ? LogLevel.Warning : LogLevel.Information,
            account,
            report.Entries,
            report.Deleted,
            string.Join(", ", report.DeletedByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")),
            report.NothingToDo,
            report.Rescheduled,
            report.Failed,
            (long)report.Duration.TotalMilliseconds,
            report.NextBucket,
            report.BudgetExhausted ? "; item budget reached, the next run continues" : "");
        return report;
    }

    /// <summary>Each retention sweep in turn; one that fails is logged and counted, and the next run tries it again.</summary>
    private async Task SweepRetainedAsync(DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        foreach (var sweep in retentionSweeps)
        {
            try
            {
                tally.Deleted(sweep.Kind, await sweep.SweepAsync(now, cancellationToken));
            }
            catch (Exception exception) when (!IsCancellation(exception, cancellationToken))
            {
                tally.Failed();
                LogRetentionSweepFailed(logger, sweep.Kind, exception);
            }
        }
    }

    /// <returns>The entries done with, by partition.</returns>
    private async Task<ILookup<string, string>> HandleAllAsync(IReadOnlyList<ExpiryIndexEntity> entries, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        var handled = new ConcurrentBag<ExpiryIndexEntity>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(entries, parallel, async (entry, token) =>
        {
            if (await HandleAsync(entry, now, tally, token))
            {
                handled.Add(entry);
            }
        });
        return handled.ToLookup(e => e.PartitionKey, e => e.RowKey, StringComparer.Ordinal);
    }

    /// <returns>True when all <paramref name="read"/> entries of the partition were handled and removed.</returns>
    private async Task<bool> RemoveHandledAsync(int account, string partitionKey, int read, ILookup<string, string> handled, CancellationToken cancellationToken)
    {
        var rowKeys = handled[partitionKey].ToList();
        try
        {
            await store.RemoveAsync(account, partitionKey, rowKeys, cancellationToken);
        }
        catch (Exception exception) when (!IsCancellation(exception, cancellationToken))
        {
            // The targets are handled; the entries are met again next run and find nothing to do.
            LogRemoveFailed(logger, partitionKey, exception);
            return false;
        }

        return rowKeys.Count == read;
    }

    /// <returns>True when the entry is done with (and may be removed).</returns>
    private async Task<bool> HandleAsync(ExpiryIndexEntity entry, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        if (!handlers.TryGetValue(entry.Kind, out var handler))
        {
            // Written by a newer version, or a handler was removed: keep it for a version that knows it.
            LogUnknownKind(logger, entry.Kind, entry.PartitionKey);
            tally.Failed();
            return false;
        }

        try
        {
            switch (await handler.ExpireAsync(entry.Target, now, cancellationToken))
            {
                case ExpiryOutcome.Deleted deleted:
                    tally.Deleted(entry.Kind, deleted.Count);
                    metrics.SweepItem(entry.Kind, "deleted");
                    break;
                case ExpiryOutcome.StillChanging:
                    LogStillChanging(logger, entry.Kind, entry.PartitionKey);
                    tally.Failed();
                    metrics.SweepItem(entry.Kind, "contended");
                    return false;
                case ExpiryOutcome.Later later:
                    // The new entry first: a crash before the old one is removed only repeats this.
                    await index.ScheduleAsync(entry.Kind, entry.TargetPartition, entry.TargetRow, later.DueAt, cancellationToken);
                    tally.Rescheduled();
                    metrics.SweepItem(entry.Kind, "later");
                    break;
                default:
                    tally.NothingToDo();
                    metrics.SweepItem(entry.Kind, "nothing");
                    break;
            }

            return true;
        }
        catch (Exception exception) when (!IsCancellation(exception, cancellationToken))
        {
            LogItemFailed(logger, entry.Kind, entry.PartitionKey, exception);
            tally.Failed();
            metrics.SweepItem(entry.Kind, "failed");
            return false;
        }
    }

    /// <summary>
    /// Moves the checkpoint forward to <paramref name="nextBucket"/>, never back. Any run's value is safe
    /// (it handled everything before it, and nothing new lands in a closed bucket), so when a concurrent
    /// run wrote first the later of the two stays.
    /// </summary>
    private async Task AdvanceCheckpointAsync(int account, SweepCheckpointEntity checkpoint, string nextBucket, CancellationToken cancellationToken)
    {
        var advanced = await OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            if (string.CompareOrdinal(nextBucket, checkpoint.NextBucket) <= 0)
            {
                return false;
            }

            checkpoint.NextBucket = nextBucket;
            if (await store.TryWriteCheckpointAsync(account, checkpoint, cancellationToken))
            {
                return true;
            }

            checkpoint = await store.ReadCheckpointAsync(account, cancellationToken);
            return RaceAttempt.Lost;
        });

        if (!advanced.Succeeded)
        {
            // Only a lost optimisation: the next run reads from an earlier bucket and finds those entries gone.
            LogCheckpointContended(logger, account, nextBucket);
        }
    }

    private static string Earlier(string? bucket, string other) =>
        bucket is null || string.CompareOrdinal(other, bucket) < 0 ? other : bucket;

    private static bool IsCancellation(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested;

    [LoggerMessage(EventId = 7001, Message = "Expiry sweep of storage account {Account}: {Entries} index entries, deleted {Deleted} ({DeletedByKind}), nothing to do {NothingToDo}, rescheduled {Rescheduled}, failed {Failed}, in {DurationMs} ms; next bucket {NextBucket}{BudgetNote}")]
    private static partial void LogSummary(ILogger logger, LogLevel level, int account, int entries, int deleted, string deletedByKind, int nothingToDo, int rescheduled, int failed, long durationMs, string nextBucket, string budgetNote);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Expiry sweep could not handle a {Kind} entry of bucket {Bucket}; it stays for the next run")]
    private static partial void LogItemFailed(ILogger logger, string kind, string bucket, Exception exception);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Error, Message = "Expiry index entry of unknown kind {Kind} in bucket {Bucket}; it stays until a handler for it is registered")]
    private static partial void LogUnknownKind(ILogger logger, string kind, string bucket);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Expiry sweep could not remove handled entries of partition {Partition}; the next run finds them done")]
    private static partial void LogRemoveFailed(ILogger logger, string partition, Exception exception);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Expiry sweep: a {Kind} entry of bucket {Bucket} kept changing while being handled; it stays for the next run")]
    private static partial void LogStillChanging(ILogger logger, string kind, string bucket);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "Expiry sweep could not clear old {Kind} items; the next run tries again")]
    private static partial void LogRetentionSweepFailed(ILogger logger, string kind, Exception exception);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Expiry sweep checkpoint of storage account {Account} kept moving under concurrent runs; not advanced to {NextBucket}")]
    private static partial void LogCheckpointContended(ILogger logger, int account, string nextBucket);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Error, Message = "Expiry sweep could not sweep storage account {Account}; the other accounts are swept, and the next run tries it again")]
    private static partial void LogAccountFailed(ILogger logger, int account, Exception exception);

    /// <summary>Counters shared by the parallel handlers of one run.</summary>
    private sealed class Tally
    {
        private readonly ConcurrentDictionary<string, int> deleted = new(StringComparer.Ordinal);
        private int nothingToDo;
        private int rescheduled;
        private int failed;

        public void Deleted(string kind, int count) => deleted.AddOrUpdate(kind, count, (_, n) => n + count);

        public void NothingToDo() => Interlocked.Increment(ref nothingToDo);

        public void Rescheduled() => Interlocked.Increment(ref rescheduled);

        public void Failed() => Interlocked.Increment(ref failed);

        public SweepReport ToReport(int entries, string nextBucket, bool budgetExhausted, TimeSpan duration) =>
            new(entries, new Dictionary<string, int>(deleted, StringComparer.Ordinal), nothingToDo, rescheduled, failed, nextBucket, budgetExhausted, duration);
    }
}

/// <summary>What one sweep did.</summary>
/// <param name="Entries">Index entries read (and attempted).</param>
/// <param name="DeletedByKind">Entities deleted, by the kind of entry that led to them.</param>
/// <param name="NothingToDo">Entries whose target was already gone or no longer expires.</param>
/// <param name="Rescheduled">Entries moved to a later bucket because their target's deadline moved.</param>
/// <param name="Failed">Entries left for the next run.</param>
/// <param name="NextBucket">Where the next run starts reading.</param>
/// <param name="BudgetExhausted">The run stopped at <see cref="SweepOptions.ItemBudget"/> with entries left.</param>
/// <param name="Duration">Wall time of the run.</param>
public sealed record SweepReport(
    int Entries,
    IReadOnlyDictionary<string, int> DeletedByKind,
    int NothingToDo,
    int Rescheduled,
    int Failed,
    string NextBucket,
    bool BudgetExhausted,
    TimeSpan Duration)
{
    public int Deleted => DeletedByKind.Values.Sum();

    /// <summary>Several reports (one per account, the retention sweeps') as one run's: counts added, the earliest next bucket, the whole run's time.</summary>
    public static SweepReport Sum(IReadOnlyCollection<SweepReport> reports, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var deleted = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (kind, count) in reports.SelectMany(report => report.DeletedByKind))
        {
            deleted[kind] = deleted.GetValueOrDefault(kind) + count;
        }

        return new SweepReport(
            reports.Sum(report => report.Entries),
            deleted,
            reports.Sum(report => report.NothingToDo),
            reports.Sum(report => report.Rescheduled),
            reports.Sum(report => report.Failed),
            reports.Select(report => report.NextBucket).Min(StringComparer.Ordinal) ?? "",
            reports.Any(report => report.BudgetExhausted),
            duration);
    }

    public int DeletedOf(string kind) => DeletedByKind.GetValueOrDefault(kind);
}

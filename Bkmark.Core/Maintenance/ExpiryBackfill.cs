namespace Bkmark.Core.Maintenance;

/// <summary>
/// The one-off path for data written before the expiry index existed: every handler scans its table (in every
/// storage account) and each target is scheduled where it belongs, in the index of the account it lives in. Scheduling is an upsert into the bucket of the
/// target's deadline, so what already has its entry gets the same one again and a repeated run is
/// harmless. Scans whole tables: an operator runs it once, never the request path or the timer sweep.
/// </summary>
public sealed partial class ExpiryBackfill(ExpiryIndex index, IEnumerable<IExpiryHandler> handlers, TimeProvider time, ILogger<ExpiryBackfill> logger)
{
    private const int PageSize = 1_000;

    /// <returns>How many targets were scheduled, by kind.</returns>
    public async Task<IReadOnlyDictionary<string, int>> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var scheduled = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            var count = 0;
            var page = new List<ScheduledExpiry>(PageSize);
            await foreach (var item in handler.ScanAsync(cancellationToken))
            {
                page.Add(item);
                if (page.Count == PageSize)
                {
                    await index.ScheduleAsync(page, cancellationToken);
                    count += page.Count;
                    page.Clear();
                }
            }

            await index.ScheduleAsync(page, cancellationToken);
            scheduled[handler.Kind] = count + page.Count;
        }

        LogBackfilled(logger, scheduled.Values.Sum(), string.Join(", ", scheduled.Select(k => $"{k.Key} {k.Value}")), (long)time.GetElapsedTime(started).TotalMilliseconds);
        return scheduled;
    }

    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "Expiry index backfill: scheduled {Scheduled} targets ({ByKind}) in {DurationMs} ms")]
    private static partial void LogBackfilled(ILogger logger, int scheduled, string byKind, long durationMs);
}

using System.Collections.Concurrent;
using Azure;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// The per-key rate limit: a fixed one-minute window whose budget lives in storage, so all instances
/// together never let more than the limit through. Instances do not write per request: each one
/// <em>leases</em> a share of the window's budget with one conditional write (insert, or If-Match
/// replace of the window's <c>Granted</c> count) and hands it out locally.
/// </summary>
/// <remarks>
/// A window's first lease is a tenth of the limit, or what the instance used in the previous window
/// if that was more (so steady traffic costs one write a minute); each further lease in the window
/// doubles. The count in storage only grows within a window, so the sum of leases never exceeds the
/// limit. The price is that a lease left unused on one instance is not available to another until
/// the next window: under-serving, never over-serving. Revocation is not affected: the credential is
/// read on every request.
/// </remarks>
internal sealed class ApiKeyRateLimiter(RateWindowStore windows, ExpiryIndex expiry, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Forget keys not seen in the current window once this many are remembered.
    private const int PruneThreshold = 10_000;

    private readonly ConcurrentDictionary<string, KeyWindow> seen = new(StringComparer.Ordinal);

    /// <summary>Counts one request of <paramref name="keyId"/>; a 429 <c>RATE_LIMITED</c> problem when over <paramref name="limit"/>.</summary>
    public async Task<Result<RateLimitStatus>> AcquireAsync(string keyId, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var windowStart = new DateTimeOffset(now.Ticks - now.Ticks % Window.Ticks, TimeSpan.Zero);
        var rowKey = windowStart.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        var resetIn = windowStart + Window - now;
        var previousRowKey = (windowStart - Window).ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

        PruneIfLarge(rowKey);
        var window = seen.GetOrAdd(keyId, _ => new KeyWindow());
        await window.Gate.WaitAsync(cancellationToken);
        try
        {
            window.MoveTo(rowKey, previousRowKey);
            if (window.Available == 0 && !await LeaseAsync(window, keyId, limit, windowStart + Window, cancellationToken))
            {
                return ApiKeyProblems.RateLimited(new RateLimitStatus(limit, 0, resetIn));
            }

            window.Available--;
            window.Used++;
            return new RateLimitStatus(limit, limit - window.Granted + window.Available, resetIn);
        }
        finally
        {
            window.Gate.Release();
        }
    }

    /// <returns>False when the window's budget is spent.</returns>
    private async Task<bool> LeaseAsync(KeyWindow window, string keyId, int limit, DateTimeOffset windowEnd, CancellationToken cancellationToken)
    {
        var leased = await OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var left = limit - window.Granted;
            if (left <= 0)
            {
                return false;
            }

            if (window.ETag is null)
            {
                await ScheduleSweepAsync(window, keyId, cancellationToken);
            }

            var lease = Math.Min(left, window.NextLeaseSize(limit));
            var next = new RateWindowEntity
            {
                PartitionKey = keyId,
                RowKey = window.RowKey,
                Count = window.Granted + lease,
                ExpiresAt = windowEnd,
                ETag = window.ETag ?? default,
            };
            if (await windows.TryWriteAsync(next, cancellationToken))
            {
                window.Leased(lease, next);
                return true;
            }

            // Another instance leased first: learn the window's total and lease on top of it.
            window.Observed(await windows.FindAsync(keyId, window.RowKey, cancellationToken));
            return RaceAttempt.Lost;
        });

        // Every attempt lost its race: under this much contention the key is at its limit in all but name.
        return leased.Succeeded && leased.Value;
    }

    /// <summary>
    /// The sweep deletes a key's windows a day at a time: before this instance first writes a window of the
    /// key on a UTC day, it schedules that day (an idempotent upsert; other instances may do the same).
    /// </summary>
    private async Task ScheduleSweepAsync(KeyWindow window, string keyId, CancellationToken cancellationToken)
    {
        var day = RateWindowExpiryHandler.DayOf(window.RowKey);
        if (window.ScheduledDay != day)
        {
            await expiry.ScheduleAsync(RateWindowExpiryHandler.KindName, keyId, day, RateWindowExpiryHandler.EndOf(day), cancellationToken);
            window.ScheduledDay = day;
        }
    }

    private void PruneIfLarge(string currentRowKey)
    {
        if (seen.Count < PruneThreshold)
        {
            return;
        }

        foreach (var (keyId, window) in seen)
        {
            if (string.CompareOrdinal(window.RowKey, currentRowKey) < 0)
            {
                seen.TryRemove(new KeyValuePair<string, KeyWindow>(keyId, window));
            }
        }
    }

    /// <summary>This instance's view of one key's current window. Guarded by <see cref="Gate"/>.</summary>
    private sealed class KeyWindow
    {
        private int lastLease;
        private int usedInPreviousWindow;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public string RowKey { get; private set; } = "";

        /// <summary>The window's total leased by all instances, as this instance last saw it.</summary>
        public int Granted { get; private set; }

        /// <summary>Requests this instance may still let through without asking storage.</summary>
        public int Available { get; set; }

        public int Used { get; set; }

        public ETag? ETag { get; private set; }

        /// <summary>The last UTC day (<c>yyyyMMdd</c>) whose windows of this key this instance scheduled for the sweep.</summary>
        public string? ScheduledDay { get; set; }

        public void MoveTo(string rowKey, string previousRowKey)
        {
            if (RowKey == rowKey)
            {
                return;
            }

            usedInPreviousWindow = RowKey == previousRowKey ? Used : 0;
            RowKey = rowKey;
            Granted = 0;
            Available = 0;
            Used = 0;
            lastLease = 0;
            ETag = null;
        }

        public int NextLeaseSize(int limit) => lastLease == 0
            ? Math.Max(Math.Max(1, (limit + 9) / 10), usedInPreviousWindow)
            : lastLease * 2;

        public void Leased(int lease, RateWindowEntity written)
        {
            lastLease = lease;
            Available += lease;
            Granted = written.Count;
            ETag = written.ETag;
        }

        public void Observed(RateWindowEntity? current)
        {
            Granted = current?.Count ?? 0;
            ETag = current?.ETag;
        }
    }
}

/// <summary>Where a key stands in its current rate window, as the <c>RateLimit-*</c> headers report it.</summary>
public sealed record RateLimitStatus(int Limit, int Remaining, TimeSpan ResetIn)
{
    public IReadOnlyDictionary<string, string> Headers => new Dictionary<string, string>
    {
        ["RateLimit-Limit"] = Limit.ToString(CultureInfo.InvariantCulture),
        ["RateLimit-Remaining"] = Math.Max(0, Remaining).ToString(CultureInfo.InvariantCulture),
        ["RateLimit-Reset"] = Math.Max(1, (long)Math.Ceiling(ResetIn.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
    };
}

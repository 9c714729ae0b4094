using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Bkmark.Core.Errors;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Storage;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// The per-key rate limit: a fixed one-minute window whose request count lives in storage, so every
/// instance counts into the same number. Each counted request is one conditional write (insert for
/// the window's first request, If-Match replace after); the window's last known ETag and count are
/// remembered per instance so the steady state needs no read. A 409/412 means another request
/// counted first: re-read, and count on top of it.
/// </summary>
/// <remarks>
/// Within a window the count only grows, so a remembered count at the limit is a safe refusal without
/// a storage call. Remembering the window is not a credential cache: revocation is read from the
/// credential on every request.
/// </remarks>
public sealed class ApiKeyRateLimiter(BkmarkTables tables, ExpiryIndex expiry, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Beyond this many lost races in a row the request is refused as rate limited rather than spinning.
    private const int MaxRaceRetries = 10;

    // Forget windows of earlier minutes once this many keys are remembered.
    private const int PruneThreshold = 10_000;

    private readonly ConcurrentDictionary<string, RateWindowEntity> _lastSeen = new(StringComparer.Ordinal);

    private TableClient Table => tables[TableNames.ApiKeyRateWindows];

    /// <summary>Counts one request of <paramref name="keyId"/>; a 429 <c>RATE_LIMITED</c> problem when over <paramref name="limit"/>.</summary>
    public async Task<Result<RateLimitStatus>> AcquireAsync(string keyId, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var windowStart = new DateTimeOffset(now.Ticks - now.Ticks % Window.Ticks, TimeSpan.Zero);
        var windowEnd = windowStart + Window;
        var rowKey = windowStart.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        var resetIn = windowEnd - now;

        var remembered = _lastSeen.TryGetValue(keyId, out var seen);
        var known = remembered && seen!.RowKey == rowKey ? seen : null;

        // The sweep deletes a key's windows a day at a time. Once this instance wrote a window of the key
        // today, that day is scheduled already; otherwise schedule it (an idempotent upsert) before writing.
        var day = RateWindowExpiryHandler.DayOf(rowKey);
        if (!remembered || RateWindowExpiryHandler.DayOf(seen!.RowKey) != day)
        {
            await expiry.ScheduleAsync(RateWindowExpiryHandler.KindName, keyId, day, RateWindowExpiryHandler.EndOf(day), cancellationToken);
        }

        for (var attempt = 0; attempt < MaxRaceRetries; attempt++)
        {
            if (known is not null && known.Count >= limit)
            {
                return ApiKeyProblems.RateLimited(new RateLimitStatus(limit, 0, resetIn));
            }

            var next = new RateWindowEntity
            {
                PartitionKey = keyId,
                RowKey = rowKey,
                Count = (known?.Count ?? 0) + 1,
                ExpiresAt = windowEnd,
            };
            try
            {
                var response = known is null
                    ? await Table.AddEntityAsync(next, cancellationToken)
                    : await Table.UpdateEntityAsync(next, known.ETag, TableUpdateMode.Replace, cancellationToken);
                next.ETag = response.Headers.ETag ?? default;
                Remember(next);
                return new RateLimitStatus(limit, limit - next.Count, resetIn);
            }
            catch (RequestFailedException exception) when (exception.IsConflict() || exception.IsPreconditionFailed() || exception.IsNotFound())
            {
                var current = await Table.GetEntityIfExistsAsync<RateWindowEntity>(keyId, rowKey, cancellationToken: cancellationToken);
                known = current.HasValue ? current.Value : null;
            }
        }

        // Under this much contention the key is at its limit in all but name.
        return ApiKeyProblems.RateLimited(new RateLimitStatus(limit, 0, resetIn));
    }

    private void Remember(RateWindowEntity window)
    {
        if (_lastSeen.Count >= PruneThreshold)
        {
            foreach (var (keyId, entry) in _lastSeen)
            {
                if (string.CompareOrdinal(entry.RowKey, window.RowKey) < 0)
                {
                    _lastSeen.TryRemove(new KeyValuePair<string, RateWindowEntity>(keyId, entry));
                }
            }
        }

        // A concurrent request on this instance may have remembered a higher count already; keep the higher.
        _lastSeen.AddOrUpdate(
            window.PartitionKey,
            window,
            (_, existing) => existing.RowKey == window.RowKey && existing.Count > window.Count ? existing : window);
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

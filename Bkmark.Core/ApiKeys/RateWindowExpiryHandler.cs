using System.Runtime.CompilerServices;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Sweeps a key's rate windows a day at a time. A window matters only during its minute, and a key may
/// write one every minute, so windows are not scheduled one by one: the limiter schedules
/// (key, UTC day) once per day per instance, and this handler deletes every window of that key up to the
/// day's end with one partition query and 100 deletes per transaction. The same query takes the key's usage rows
/// older than <see cref="KeyUsageEntity.RetentionDays"/>.
/// </summary>
internal sealed class RateWindowExpiryHandler(RateWindowStore store) : IExpiryHandler
{
    public const string KindName = "rate-windows";

    private const string DayFormat = "yyyyMMdd";

    public string Kind => KindName;

    /// <summary>The day of a window's RowKey (<c>yyyyMMddHHmm</c>), as this kind's target RowKey.</summary>
    public static string DayOf(string windowRowKey) => windowRowKey[..DayFormat.Length];

    /// <summary>When the windows of <paramref name="day"/> stop mattering: the day's end.</summary>
    public static DateTimeOffset EndOf(string day) =>
        DateTimeOffset.ParseExact(day, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).AddDays(1);

    public async Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var end = EndOf(target.RowKey);
        if (end > now)
        {
            return new ExpiryOutcome.Later(end);
        }

        // Window RowKeys sort by time, so everything before the next day's first minute is past; usage rows are
        // kept for their retention, counted back from this day, so a key in use keeps its usage trimmed too.
        var usageBefore = DateOnly.FromDateTime(end.UtcDateTime).AddDays(-KeyUsageEntity.RetentionDays);
        var deleted = await store.DeleteBeforeAsync(target.PartitionKey, end.ToString(DayFormat, CultureInfo.InvariantCulture), usageBefore, cancellationToken);
        return deleted > 0 ? new ExpiryOutcome.Deleted(deleted) : ExpiryOutcome.Nothing;
    }

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        (string Key, string Day)? last = null;
        await foreach (var window in store.ScanAsync(cancellationToken))
        {
            // Rows come sorted by key, then time: one target per key and day.
            (string Key, string Day) current = (window.KeyId, DayOf(window.RowKey));
            if (current != last)
            {
                last = current;
                yield return new ScheduledExpiry(new ExpiryTarget(KindName, current.Key, current.Day), EndOf(current.Day));
            }
        }
    }
}

using System.Runtime.CompilerServices;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.SecurityLog;

/// <summary>
/// Deletes one user's events of one day once they are past retention. The target is (user id, day
/// <c>yyyyMMdd</c>), scheduled by the first event of that day; the day's events are one RowKey range.
/// </summary>
internal sealed class SecurityEventExpiryHandler(SecurityEventStore store) : IExpiryHandler
{
    public const string KindName = "security-events";

    public string Kind => KindName;

    public async Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!DateTime.TryParseExact(target.RowKey, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
        {
            return ExpiryOutcome.Nothing;
        }

        var dayStart = new DateTimeOffset(day, TimeSpan.Zero);
        var due = SecurityEventLog.DeletableAt(dayStart);
        if (due > now)
        {
            return new ExpiryOutcome.Later(due);
        }

        // Newer times have smaller RowKeys: the day's events lie after the next day's prefix, up to its own.
        var from = SecurityEventEntity.NotBefore(dayStart.AddDays(1));
        var to = SecurityEventEntity.NotBefore(dayStart);
        var deleted = await store.DeleteRangeAsync(target.PartitionKey, from, to, cancellationToken);
        return deleted > 0 ? new ExpiryOutcome.Deleted(deleted) : ExpiryOutcome.Nothing;
    }

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<(string, string)>();
        await foreach (var (userId, occurredAt) in store.ScanAsync(cancellationToken))
        {
            var day = SecurityEventLog.DayOf(occurredAt);
            if (seen.Add((userId, day)))
            {
                var dayStart = new DateTimeOffset(occurredAt.UtcDateTime.Date, TimeSpan.Zero);
                yield return new ScheduledExpiry(new ExpiryTarget(KindName, userId, day), SecurityEventLog.DeletableAt(dayStart));
            }
        }
    }
}

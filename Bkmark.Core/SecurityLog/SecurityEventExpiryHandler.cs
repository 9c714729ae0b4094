using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Storage;

namespace Bkmark.Core.SecurityLog;

/// <summary>
/// Deletes one user's events of one day once they are past retention. The target is (user id, day
/// <c>yyyyMMdd</c>), scheduled by the first event of that day; the day's events are one RowKey range.
/// </summary>
internal sealed class SecurityEventExpiryHandler(BkmarkTables tables) : IExpiryHandler
{
    public const string KindName = "security-events";

    public string Kind => KindName;

    private TableClient Table => tables[TableNames.SecurityEvents];

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
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {target.PartitionKey} and RowKey gt {from} and RowKey lt {to}");
        var rowKeys = new List<string>();
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            rowKeys.Add(entity.RowKey);
        }

        if (rowKeys.Count == 0)
        {
            return ExpiryOutcome.Nothing;
        }

        await PartitionDeletes.DeleteAsync(Table, target.PartitionKey, rowKeys, cancellationToken);
        return new ExpiryOutcome.Deleted(rowKeys.Count);
    }

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<(string, string)>();
        await foreach (var entity in Table.QueryAsync<SecurityEventEntity>(select: ["PartitionKey", "RowKey", nameof(SecurityEventEntity.OccurredAt)], cancellationToken: cancellationToken))
        {
            var day = SecurityEventLog.DayOf(entity.OccurredAt);
            if (seen.Add((entity.PartitionKey, day)))
            {
                var dayStart = new DateTimeOffset(entity.OccurredAt.UtcDateTime.Date, TimeSpan.Zero);
                yield return new ScheduledExpiry(new ExpiryTarget(KindName, entity.PartitionKey, day), SecurityEventLog.DeletableAt(dayStart));
            }
        }
    }
}

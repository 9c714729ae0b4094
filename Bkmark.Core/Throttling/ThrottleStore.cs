using Azure;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Throttling;

/// <summary>
/// Throttle records in Table Storage: PartitionKey = the subject, RowKey = the policy's kind. By subject, so every
/// sign-in's counters spread over partitions and accounts like the users they guard; by kind they would share one
/// partition per kind, whose 2,000 entities a second would cap password sign-ins near 650 a second whatever the
/// number of accounts (docs/scale.md).
/// </summary>
internal sealed class ThrottleStore(BkmarkTables tables, ExpiryIndex expiry)
{
    /// <summary>Throttle records as the sweep reads and deletes them.</summary>
    public SweepableTable<ThrottleEntity> Sweepable => new(tables, TableNames.Throttles);

    public Task<ThrottleEntity?> FindAsync(string kind, string subject, CancellationToken cancellationToken) =>
        Table(subject).FindAsync<ThrottleEntity>(subject, kind, cancellationToken);

    /// <summary>Inserts a new record or replaces the one read (If-Match on its ETag).</summary>
    /// <returns>False when another attempt wrote it first: a lost race.</returns>
    public async Task<bool> TrySaveAsync(ThrottleEntity entity, CancellationToken cancellationToken)
    {
        if (entity.ETag == default)
        {
            // Scheduled once per record; later writes move ExpiresAt and the sweep follows it.
            await expiry.ScheduleAsync(ThrottleExpiryHandler.KindName, entity.PartitionKey, entity.RowKey, entity.ExpiresAt, cancellationToken);
        }

        return await Table(entity.PartitionKey).TryInsertOrReplaceAsync(entity, cancellationToken);
    }

    /// <summary>Deletes the record whatever its version; already gone is fine.</summary>
    public async Task DeleteAsync(string kind, string subject, CancellationToken cancellationToken) =>
        await Table(subject).DeleteEntityAsync(subject, kind, ETag.All, cancellationToken);

    private TableClient Table(string subject) => tables[TableNames.Throttles, subject];
}

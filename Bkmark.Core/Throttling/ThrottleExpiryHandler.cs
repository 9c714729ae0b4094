using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Storage;

namespace Bkmark.Core.Throttling;

/// <summary>
/// Sweeps throttle records that no longer matter (<see cref="ThrottleEntity.ExpiresAt"/>: the window and
/// any lock-out are over). Scheduled when a record is created; each further failure moves its expiry
/// later without an index write, and the sweep re-schedules it.
/// </summary>
public sealed class ThrottleExpiryHandler(BkmarkTables tables) : IExpiryHandler
{
    public const string KindName = "throttle";

    public string Kind => KindName;

    public Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken) =>
        ConditionalExpiry.ExpireAsync<ThrottleEntity>(
            tables[TableNames.Throttles], target, now, record => record.ExpiresAt, deleteDependents: null, cancellationToken);

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in tables[TableNames.Throttles].QueryAsync<ThrottleEntity>(cancellationToken: cancellationToken))
        {
            yield return new ScheduledExpiry(new ExpiryTarget(KindName, record.PartitionKey, record.RowKey), record.ExpiresAt);
        }
    }
}

using Bkmark.Core.Maintenance;
using Bkmark.Core.Storage;

namespace Bkmark.Core.Throttling;

/// <summary>
/// Sweeps throttle records that no longer matter (<see cref="ThrottleEntity.ExpiresAt"/>: the window and
/// any lock-out are over). Scheduled when a record is created; each further failure moves its expiry
/// later without an index write, and the sweep re-schedules it.
/// </summary>
public sealed class ThrottleExpiryHandler(BkmarkTables tables)
    : EntityExpiryHandler<ThrottleEntity>(tables, KindName, TableNames.Throttles)
{
    public const string KindName = "throttle";

    protected override DateTimeOffset? DeletableAt(ThrottleEntity entity) => entity?.ExpiresAt;
}

using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Throttling;

/// <summary>
/// Sweeps throttle records that no longer matter (<see cref="ThrottleEntity.ExpiresAt"/>: the window and
/// any lock-out are over). Scheduled when a record is created; each further failure moves its expiry
/// later without an index write, and the sweep re-schedules it.
/// </summary>
internal sealed class ThrottleExpiryHandler(ThrottleStore store)
    : EntityExpiryHandler<ThrottleEntity>(store.Sweepable, KindName)
{
    public const string KindName = "throttle";

    protected override DateTimeOffset? DeletableAt(ThrottleEntity entity) => entity?.ExpiresAt;
}

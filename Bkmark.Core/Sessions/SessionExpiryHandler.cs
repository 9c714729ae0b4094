using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Sessions;

/// <summary>
/// Sweeps sessions that can no longer be refreshed (<see cref="SessionEntity.DeletableAt"/>), with their
/// newest refresh credential. Scheduled once at sign-in; a refresh slides the deadline without an index
/// write, and the sweep re-schedules when it finds the session still live.
/// </summary>
internal sealed class SessionExpiryHandler(SessionStore store)
    : EntityExpiryHandler<SessionEntity>(store.SweepableSessions, KindName)
{
    public const string KindName = "session";

    protected override DateTimeOffset? DeletableAt(SessionEntity entity) => entity.DeletableAt();

    // Older (rotated) tokens expire before it and go by their own entries.
    protected override async Task<int> DeleteDependentsAsync(SessionEntity entity, CancellationToken cancellationToken) =>
        entity is { CurrentRefreshPartition: { } partition, CurrentRefreshRow: { } row }
        && await store.DeleteRefreshTokenAsync(partition, row, cancellationToken)
            ? 1
            : 0;
}

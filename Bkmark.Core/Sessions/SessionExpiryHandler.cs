using Bkmark.Core.Maintenance;
using Bkmark.Core.Storage;

namespace Bkmark.Core.Sessions;

/// <summary>
/// Sweeps sessions that can no longer be refreshed (<see cref="SessionEntity.DeletableAt"/>), with their
/// newest refresh credential. Scheduled once at sign-in; a refresh slides the deadline without an index
/// write, and the sweep re-schedules when it finds the session still live.
/// </summary>
public sealed class SessionExpiryHandler(BkmarkTables tables, SessionStore store)
    : EntityExpiryHandler<SessionEntity>(tables, KindName, TableNames.Sessions)
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

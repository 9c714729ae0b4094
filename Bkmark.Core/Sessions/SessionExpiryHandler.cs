using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Storage;

namespace Bkmark.Core.Sessions;

/// <summary>
/// Sweeps sessions that can no longer be refreshed (<see cref="SessionEntity.DeletableAt"/>), with their
/// newest refresh credential. Scheduled once at sign-in; a refresh slides the deadline without an index
/// write, and the sweep re-schedules when it finds the session still live.
/// </summary>
public sealed class SessionExpiryHandler(BkmarkTables tables) : IExpiryHandler
{
    public const string KindName = "session";

    public string Kind => KindName;

    public Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken) =>
        ConditionalExpiry.ExpireAsync<SessionEntity>(
            tables[TableNames.Sessions],
            target,
            now,
            session => session.DeletableAt(),
            DeleteCurrentRefreshTokenAsync,
            cancellationToken);

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var session in tables[TableNames.Sessions].QueryAsync<SessionEntity>(cancellationToken: cancellationToken))
        {
            yield return new ScheduledExpiry(new ExpiryTarget(KindName, session.PartitionKey, session.RowKey), session.DeletableAt());
        }
    }

    // Older (rotated) tokens expire before it and go by their own entries.
    private async Task<int> DeleteCurrentRefreshTokenAsync(SessionEntity session, CancellationToken cancellationToken) =>
        session.CurrentRefreshPartition is { } partition && session.CurrentRefreshRow is { } row
        && await PartitionDeletes.DeleteIfExistsAsync(tables[TableNames.RefreshTokens], partition, row, ETag.All, cancellationToken)
            ? 1
            : 0;
}

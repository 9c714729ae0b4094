using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Storage;
using Bkmark.Core.Tokens;

namespace Bkmark.Core.Sessions;

/// <summary>
/// Sweeps refresh credentials once they expire. Each is scheduled when written (rotated ones stay until
/// then so that a replay is recognised); expiry is fixed at issue, so the entry is never re-scheduled.
/// </summary>
public sealed class RefreshTokenExpiryHandler(BkmarkTables tables) : IExpiryHandler
{
    public const string KindName = "refresh";

    public string Kind => KindName;

    public Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken) =>
        ConditionalExpiry.ExpireAsync<RefreshTokenEntity>(
            tables[TableNames.RefreshTokens], target, now, token => token.ExpiresAt, deleteDependents: null, cancellationToken);

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tokens = tables[TableNames.RefreshTokens].QueryAsync<TableEntity>(
            select: ["PartitionKey", "RowKey", nameof(RefreshTokenEntity.ExpiresAt)], cancellationToken: cancellationToken);
        await foreach (var token in tokens)
        {
            yield return new ScheduledExpiry(
                new ExpiryTarget(KindName, token.PartitionKey, token.RowKey), token.GetDateTimeOffset(nameof(RefreshTokenEntity.ExpiresAt)) ?? DateTimeOffset.MinValue);
        }
    }
}

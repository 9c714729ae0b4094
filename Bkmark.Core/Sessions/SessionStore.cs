using Azure;

namespace Bkmark.Core.Sessions;

/// <summary>Sessions (a partition per user) and their refresh credentials in Table Storage.</summary>
internal sealed class SessionStore(BkmarkTables tables)
{
    /// <summary>Sessions as the sweep reads and deletes them.</summary>
    public SweepableTable<SessionEntity> SweepableSessions => new(tables, TableNames.Sessions);

    /// <summary>Refresh credentials as the sweep reads and deletes them.</summary>
    public SweepableTable<RefreshTokenEntity> SweepableRefreshTokens => new(tables, TableNames.RefreshTokens);

    public async Task<SessionEntity?> FindAsync(string userId, string sessionId, CancellationToken cancellationToken)
    {
        if (!IsKeySafe(userId) || !IsKeySafe(sessionId))
        {
            return null;
        }

        return await Sessions(userId).FindAsync<SessionEntity>(userId, sessionId, cancellationToken);
    }

    public async Task<IReadOnlyList<SessionEntity>> ListAsync(string userId, CancellationToken cancellationToken) =>
        await Sessions(userId).QueryAsync<SessionEntity>(s => s.PartitionKey == userId, cancellationToken: cancellationToken).ToListAsync(cancellationToken);

    public Task AddAsync(SessionEntity session, CancellationToken cancellationToken) =>
        Sessions(session.PartitionKey).AddAsync(session, cancellationToken);

    /// <returns>False when the session changed since it was read (a lost race) or is gone.</returns>
    public Task<bool> TryReplaceAsync(SessionEntity session, CancellationToken cancellationToken) =>
        Sessions(session.PartitionKey).TryReplaceAsync(session, cancellationToken);

    /// <summary>Writes only <c>LastActiveAt</c>, and only if nothing else changed the session meanwhile.</summary>
    /// <returns>False when someone else wrote the session (a refresh, a revoke) in the same instant; their write wins.</returns>
    public Task<bool> TryTouchAsync(SessionEntity session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var patch = new TableEntity(session.PartitionKey, session.RowKey) { [nameof(SessionEntity.LastActiveAt)] = now };
        return Sessions(session.PartitionKey).TryMergeAsync(patch, session.ETag, cancellationToken);
    }

    public Task<RefreshTokenEntity?> FindRefreshTokenAsync(string partitionKey, string rowKey, CancellationToken cancellationToken) =>
        RefreshTokens(partitionKey).FindAsync<RefreshTokenEntity>(partitionKey, rowKey, cancellationToken);

    public Task AddRefreshTokenAsync(RefreshTokenEntity token, CancellationToken cancellationToken) =>
        RefreshTokens(token.PartitionKey).AddEntityAsync(token, cancellationToken);

    /// <summary>Marks the token rotated, conditional on its ETag: of N concurrent refreshes exactly one wins.</summary>
    /// <returns>False when another refresh rotated it first.</returns>
    public async Task<bool> TryMarkRotatedAsync(RefreshTokenEntity token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        token.RotatedAt = now;
        try
        {
            await RefreshTokens(token.PartitionKey).UpdateEntityAsync(token, token.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.IsPreconditionFailed() || exception.IsNotFound())
        {
            return false;
        }
    }

    /// <summary>Deletes the refresh credential; one already gone is fine.</summary>
    /// <returns>False when it was already gone.</returns>
    public Task<bool> DeleteRefreshTokenAsync(string partitionKey, string rowKey, CancellationToken cancellationToken) =>
        PartitionDeletes.DeleteIfExistsAsync(RefreshTokens(partitionKey), partitionKey, rowKey, ETag.All, cancellationToken);

    private TableClient Sessions(string userId) => tables[TableNames.Sessions, userId];

    private TableClient RefreshTokens(string partitionKey) => tables[TableNames.RefreshTokens, partitionKey];

    private static bool IsKeySafe(string key) => key.Length is > 0 and <= 64 && key.All(char.IsAsciiLetterOrDigit);
}

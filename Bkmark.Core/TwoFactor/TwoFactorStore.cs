using Azure;

namespace Bkmark.Core.TwoFactor;

/// <summary>
/// TOTP authenticators and backup codes in Table Storage, both in the user's partition of one table,
/// so a user's whole two-factor state is one partition (counting codes is one partition query).
/// </summary>
internal sealed class TwoFactorStore(BkmarkTables tables)
{
    private TableClient Table(string userId) => tables[TableNames.TwoFactor, userId];

    public Task<TwoFactorEntity?> FindAsync(string userId, CancellationToken cancellationToken) =>
        Table(userId).FindAsync<TwoFactorEntity>(userId, TwoFactorEntity.TotpRowKey, cancellationToken);

    /// <summary>Adds the entity when it is new, else replaces it if unchanged since read.</summary>
    /// <returns>False on a lost race (someone else added or changed it first).</returns>
    public Task<bool> TrySaveAsync(TwoFactorEntity entity, CancellationToken cancellationToken) =>
        Table(entity.PartitionKey).TryInsertOrReplaceAsync(entity, cancellationToken);

    /// <returns>False when the entity changed or disappeared since read.</returns>
    public Task<bool> TryDeleteAsync(TwoFactorEntity entity, CancellationToken cancellationToken) =>
        TryDeleteAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken);

    /// <summary>Writes a whole set of backup codes at once (one entity-group transaction: all or none).</summary>
    public async Task AddBackupCodesAsync(string userId, string generation, IEnumerable<string> codeHashes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var actions = codeHashes.Select(hash => new TableTransactionAction(
            TableTransactionActionType.Add,
            new BackupCodeEntity { PartitionKey = userId, RowKey = BackupCodeEntity.RowKeyOf(generation, hash), CreatedAt = now }));
        await Table(userId).SubmitTransactionAsync(actions, cancellationToken);
    }

    public async Task<BackupCodeEntity?> FindBackupCodeAsync(string userId, string generation, string codeHash, CancellationToken cancellationToken)
    {
        return await Table(userId).FindAsync<BackupCodeEntity>(
            userId, BackupCodeEntity.RowKeyOf(generation, codeHash), cancellationToken);
    }

    /// <summary>Deletes the code if nobody spent it first.</summary>
    /// <returns>False when it was already spent (404) or changed (412).</returns>
    public Task<bool> TrySpendBackupCodeAsync(BackupCodeEntity code, CancellationToken cancellationToken) =>
        TryDeleteAsync(code.PartitionKey, code.RowKey, code.ETag, cancellationToken);

    /// <summary>Unused codes of one set: one partition query over a RowKey range, keys only.</summary>
    public async Task<int> CountBackupCodesAsync(string userId, string generation, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in QueryBackupCodesAsync(userId, BackupCodeEntity.GenerationPrefix(generation), cancellationToken))
        {
            count++;
        }

        return count;
    }

    /// <summary>Deletes one set (one that lost its race to become current).</summary>
    public Task DeleteBackupCodeSetAsync(string userId, string generation, CancellationToken cancellationToken) =>
        DeleteBackupCodesAsync(userId, BackupCodeEntity.GenerationPrefix(generation), _ => true, cancellationToken);

    /// <summary>Deletes every backup code of the user except those of <paramref name="keepGeneration"/> (all when null).</summary>
    public Task DeleteBackupCodesExceptAsync(string userId, string? keepGeneration, CancellationToken cancellationToken)
    {
        var keepPrefix = keepGeneration is null ? null : BackupCodeEntity.GenerationPrefix(keepGeneration);
        return DeleteBackupCodesAsync(
            userId,
            BackupCodeEntity.RowKeyPrefix,
            rowKey => keepPrefix is null || !rowKey.StartsWith(keepPrefix, StringComparison.Ordinal),
            cancellationToken);
    }

    private async Task DeleteBackupCodesAsync(string userId, string rowKeyPrefix, Func<string, bool> doomed, CancellationToken cancellationToken)
    {
        var rowKeys = new List<string>();
        await foreach (var code in QueryBackupCodesAsync(userId, rowKeyPrefix, cancellationToken))
        {
            if (doomed(code.RowKey))
            {
                rowKeys.Add(code.RowKey);
            }
        }

        foreach (var rowKey in rowKeys)
        {
            // Wildcard ETag: these codes are void already (not of the current set), so a concurrent spend is moot.
            await TryDeleteAsync(userId, rowKey, ETag.All, cancellationToken);
        }
    }

    private IAsyncEnumerable<BackupCodeEntity> QueryBackupCodesAsync(string userId, string rowKeyPrefix, CancellationToken cancellationToken)
    {
        // RowKeys in [prefix, prefix + U+FFFF) are exactly those starting with the prefix (keys are ASCII here).
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey ge {rowKeyPrefix} and RowKey lt {rowKeyPrefix + '\uffff'}");
        return Table(userId).QueryAsync<BackupCodeEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken);
    }

    private async Task<bool> TryDeleteAsync(string partitionKey, string rowKey, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            // The SDK answers a missing entity with a 404 response instead of throwing: that is "already gone".
            var response = await Table(partitionKey).DeleteEntityAsync(partitionKey, rowKey, etag, cancellationToken);
            return response.Status != 404;
        }
        catch (RequestFailedException exception) when (exception.IsNotFound() || exception.IsPreconditionFailed())
        {
            return false;
        }
    }
}

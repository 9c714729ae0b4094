namespace Bkmark.Core.ApiKeys;

/// <summary>
/// The keys' rate windows in Table Storage: a partition per key, a row per minute (<see cref="RateWindowEntity"/>),
/// RowKeys sorting as time does; and, after them in the same partition, the key's daily usage rows (<see cref="KeyUsageEntity"/>).
/// </summary>
internal sealed class RateWindowStore(BkmarkTables tables)
{
    private static readonly IEnumerable<string> KeysOnly = [nameof(ITableEntity.PartitionKey), nameof(ITableEntity.RowKey)];

    private TableClient Windows(string keyId) => tables[TableNames.ApiKeyRateWindows, keyId];

    public Task<RateWindowEntity?> FindAsync(string keyId, string windowRowKey, CancellationToken cancellationToken) =>
        Windows(keyId).FindAsync<RateWindowEntity>(keyId, windowRowKey, cancellationToken);

    /// <summary>Inserts the window (no ETag yet) or raises it if unchanged since it was read.</summary>
    /// <returns>False when another instance wrote the window first.</returns>
    public Task<bool> TryWriteAsync(RateWindowEntity window, CancellationToken cancellationToken) =>
        Windows(window.PartitionKey).TryInsertOrReplaceAsync(window, cancellationToken);

    /// <summary>
    /// As <see cref="TryWriteAsync(RateWindowEntity, CancellationToken)"/>, with the key's <paramref name="usage"/> rows upserted in the
    /// same transaction (one request): the lease carries the usage counts, or neither is written.
    /// </summary>
    public async Task<bool> TryWriteAsync(RateWindowEntity window, IReadOnlyList<KeyUsageEntity> usage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(usage);
        if (usage.Count == 0)
        {
            return await TryWriteAsync(window, cancellationToken);
        }

        TableTransactionAction lease = window.ETag == default
            ? new(TableTransactionActionType.Add, window)
            : new(TableTransactionActionType.UpdateReplace, window, window.ETag);
        try
        {
            var response = await Windows(window.PartitionKey).SubmitTransactionAsync([lease, .. usage.Select(Upsert)], cancellationToken);
            window.ETag = response.Value[0].Headers.ETag ?? window.ETag;
            return true;
        }
        catch (TableTransactionFailedException exception) when (exception.IsConflict() || exception.IsPreconditionFailed() || exception.IsNotFound())
        {
            return false;
        }
    }

    /// <summary>Upserts one key's usage rows (one instance's running totals, so never a race): one transaction.</summary>
    public Task WriteUsageAsync(string keyId, IReadOnlyList<KeyUsageEntity> usage, CancellationToken cancellationToken) =>
        Windows(keyId).SubmitTransactionAsync(usage.Select(Upsert), cancellationToken);

    /// <summary>The key's usage rows of <paramref name="from"/> to <paramref name="to"/>, every instance's: one partition range query.</summary>
    public IAsyncEnumerable<KeyUsageEntity> ReadUsageAsync(string keyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {keyId} and RowKey ge {KeyUsageEntity.RowKeyOf(from)} and RowKey lt {KeyUsageEntity.RowKeyOf(to.AddDays(1))}");
        return Windows(keyId).QueryAsync<KeyUsageEntity>(filter, cancellationToken: cancellationToken);
    }

    private static TableTransactionAction Upsert(KeyUsageEntity row) => new(TableTransactionActionType.UpsertReplace, row);

    /// <summary>
    /// Deletes the key's windows whose RowKey sorts before <paramref name="beforeRowKey"/>, and its usage rows of days before
    /// <paramref name="usageBefore"/>: one partition query, 100 deletes per transaction.
    /// </summary>
    /// <returns>How many rows there were.</returns>
    public async Task<int> DeleteBeforeAsync(string keyId, string beforeRowKey, DateOnly usageBefore, CancellationToken cancellationToken)
    {
        // Window RowKeys are digits, which sort before the usage rows' prefix.
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {keyId} and (RowKey lt {beforeRowKey} or (RowKey ge {KeyUsageEntity.RowKeyPrefix} and RowKey lt {KeyUsageEntity.RowKeyOf(usageBefore)}))");
        var rowKeys = await Windows(keyId).QueryAsync<TableEntity>(filter, select: KeysOnly, cancellationToken: cancellationToken)
            .Select(window => window.RowKey)
            .ToListAsync(cancellationToken);
        await PartitionDeletes.DeleteAsync(Windows(keyId), keyId, rowKeys, cancellationToken);
        return rowKeys.Count;
    }

    /// <summary>
    /// For the one-off expiry backfill: every window's (key id, RowKey), a key's together and in time order (each
    /// account's keys sorted, account after account). Scans the whole table in every account; never on a request path.
    /// </summary>
    public IAsyncEnumerable<(string KeyId, string RowKey)> ScanAsync(CancellationToken cancellationToken) =>
        tables.EveryAccount(TableNames.ApiKeyRateWindows)
            .QueryAllAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey lt {KeyUsageEntity.RowKeyPrefix}"), KeysOnly, cancellationToken)
            .Select(window => (window.PartitionKey, window.RowKey));
}

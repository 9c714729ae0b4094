namespace Bkmark.Core.ApiKeys;

/// <summary>
/// The keys' rate windows in Table Storage: a partition per key, a row per minute (<see cref="RateWindowEntity"/>),
/// RowKeys sorting as time does.
/// </summary>
internal sealed class RateWindowStore(BkmarkTables tables)
{
    private static readonly IEnumerable<string> KeysOnly = [nameof(ITableEntity.PartitionKey), nameof(ITableEntity.RowKey)];

    private TableClient Windows => tables[TableNames.ApiKeyRateWindows];

    public Task<RateWindowEntity?> FindAsync(string keyId, string windowRowKey, CancellationToken cancellationToken) =>
        Windows.FindAsync<RateWindowEntity>(keyId, windowRowKey, cancellationToken);

    /// <summary>Inserts the window (no ETag yet) or raises it if unchanged since it was read.</summary>
    /// <returns>False when another instance wrote the window first.</returns>
    public Task<bool> TryWriteAsync(RateWindowEntity window, CancellationToken cancellationToken) =>
        Windows.TryInsertOrReplaceAsync(window, cancellationToken);

    /// <summary>Deletes the key's windows whose RowKey sorts before <paramref name="beforeRowKey"/>: one partition query, 100 deletes per transaction.</summary>
    /// <returns>How many windows there were.</returns>
    public async Task<int> DeleteBeforeAsync(string keyId, string beforeRowKey, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {keyId} and RowKey lt {beforeRowKey}");
        var rowKeys = await Windows.QueryAsync<TableEntity>(filter, select: KeysOnly, cancellationToken: cancellationToken)
            .Select(window => window.RowKey)
            .ToListAsync(cancellationToken);
        await PartitionDeletes.DeleteAsync(Windows, keyId, rowKeys, cancellationToken);
        return rowKeys.Count;
    }

    /// <summary>
    /// For the one-off expiry backfill: every window's (key id, RowKey), sorted by key, then time. Scans the
    /// whole table; never on a request path.
    /// </summary>
    public IAsyncEnumerable<(string KeyId, string RowKey)> ScanAsync(CancellationToken cancellationToken) =>
        Windows.QueryAsync<TableEntity>(select: KeysOnly, cancellationToken: cancellationToken)
            .Select(window => (window.PartitionKey, window.RowKey));
}

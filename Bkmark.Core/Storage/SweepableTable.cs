namespace Bkmark.Core.Storage;

/// <summary>
/// One table's entities of one kind as the sweep sees them: read one, delete it only if unchanged since
/// read, and scan them all (for the backfill). The store that owns the table hands this out, so an expiry
/// handler works through its capability's store and never holds a <see cref="TableClient"/> of its own.
/// </summary>
internal sealed class SweepableTable<T>(BkmarkTables tables, string logicalName)
    where T : class, ITableEntity
{
    public Task<T?> FindAsync(string partitionKey, string rowKey, CancellationToken cancellationToken) =>
        tables[logicalName, partitionKey].FindAsync<T>(partitionKey, rowKey, cancellationToken);

    public Task<DeleteOutcome> TryDeleteAsync(T entity, CancellationToken cancellationToken) =>
        tables[logicalName, entity.PartitionKey].TryDeleteAsync(entity, cancellationToken);

    /// <summary>Every entity, account after account.</summary>
    public IAsyncEnumerable<T> ScanAsync(CancellationToken cancellationToken) =>
        tables.EveryAccount(logicalName).QueryAllAsync<T>(filter: null, select: null, cancellationToken);
}

using System.Runtime.CompilerServices;

namespace Bkmark.Core.Storage;

/// <summary>
/// One table's entities of one kind as the sweep sees them: read one, delete it only if unchanged since
/// read, and scan them all (for the backfill). The store that owns the table hands this out, so an expiry
/// handler works through its capability's store and never holds a <see cref="TableClient"/> of its own.
/// </summary>
internal sealed class SweepableTable<T>(TableClient table)
    where T : class, ITableEntity
{
    public Task<T?> FindAsync(string partitionKey, string rowKey, CancellationToken cancellationToken) =>
        table.FindAsync<T>(partitionKey, rowKey, cancellationToken);

    public Task<DeleteOutcome> TryDeleteAsync(T entity, CancellationToken cancellationToken) =>
        table.TryDeleteAsync(entity, cancellationToken);

    public async IAsyncEnumerable<T> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in table.QueryAsync<T>(cancellationToken: cancellationToken))
        {
            yield return entity;
        }
    }
}

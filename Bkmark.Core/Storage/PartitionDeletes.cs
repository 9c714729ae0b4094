using Azure;

namespace Bkmark.Core.Storage;

/// <summary>Unconditional deletes of many entities of one partition, 100 per transaction.</summary>
/// <remarks>
/// For entities nobody writes any more (handled index entries, past rate windows): no ETag is needed,
/// and none is relied on inside a transaction. A transaction fails whole if one entity is already
/// gone (a concurrent sweep took it); then that chunk is deleted one by one, where 404 is success.
/// </remarks>
public static class PartitionDeletes
{
    /// <summary>At most this many actions go in one transaction (the service's limit).</summary>
    public const int MaxTransactionActions = 100;

    public static async Task DeleteAsync(TableClient table, string partitionKey, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var chunk in rowKeys.Distinct(StringComparer.Ordinal).Chunk(MaxTransactionActions))
        {
            if (chunk.Length > 1)
            {
                try
                {
                    await table.SubmitTransactionAsync(
                        chunk.Select(rowKey => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, rowKey), ETag.All)),
                        cancellationToken);
                    continue;
                }
                catch (RequestFailedException exception) when (exception.IsNotFound())
                {
                    // Some are gone already: fall through to one by one.
                }
            }

            foreach (var rowKey in chunk)
            {
                await DeleteIfExistsAsync(table, partitionKey, rowKey, ETag.All, cancellationToken);
            }
        }
    }

    /// <returns>False when it was already gone (the SDK answers a 404 on delete as success, with that status).</returns>
    public static async Task<bool> DeleteIfExistsAsync(TableClient table, string partitionKey, string rowKey, ETag ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var response = await table.DeleteEntityAsync(partitionKey, rowKey, ifMatch, cancellationToken);
        return response.Status != 404;
    }
}

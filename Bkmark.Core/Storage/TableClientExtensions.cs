using System.Runtime.CompilerServices;
using Azure;

namespace Bkmark.Core.Storage;

/// <summary>
/// The storage moves every store makes, written once: a point read that answers null, and writes that
/// keep the entity's ETag current so the next read-modify-write is conditional on it.
/// </summary>
public static class TableClientExtensions
{
    /// <summary>One point read; null when there is no such entity.</summary>
    public static async Task<T?> FindAsync<T>(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var response = await table.GetEntityIfExistsAsync<T>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// One query over the same table in several accounts (<see cref="BkmarkTables.EveryAccount"/>), account after
    /// account: for the few reads of a whole table, never a request path. A partition lives in one account, so what one
    /// partition holds still comes together and in order.
    /// </summary>
    public static async IAsyncEnumerable<T> QueryAllAsync<T>(
        this IEnumerable<TableClient> tables, string? filter, IEnumerable<string>? select, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        ArgumentNullException.ThrowIfNull(tables);
        foreach (var table in tables)
        {
            await foreach (var entity in table.QueryAsync<T>(filter, select: select, cancellationToken: cancellationToken))
            {
                yield return entity;
            }
        }
    }

    /// <summary>How many entities the partition holds: one partition query that reads only the keys.</summary>
    public static async Task<int> CountPartitionAsync(this TableClient table, string partitionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(
            e => e.PartitionKey == partitionKey, select: [nameof(ITableEntity.RowKey)], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    /// <summary>Inserts the entity (409 if it exists) and records its new ETag on it.</summary>
    public static async Task AddAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var response = await table.AddEntityAsync(entity, cancellationToken);
        entity.ETag = response.Headers.ETag ?? default;
    }

    /// <summary>Replaces the entity if it is unchanged since it was read (If-Match on its ETag).</summary>
    /// <returns>False when it changed (412) or is gone (404): a lost race the caller handles.</returns>
    public static async Task<bool> TryReplaceAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        try
        {
            var response = await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            entity.ETag = response.Headers.ETag ?? entity.ETag;
            return true;
        }
        catch (RequestFailedException exception) when (exception.IsPreconditionFailed() || exception.IsNotFound())
        {
            return false;
        }
    }

    /// <summary>
    /// Writes only the properties of <paramref name="patch"/> (a merge), and only if the entity is still as it was
    /// read (<paramref name="ifMatch"/>): a touch that must never overwrite a write made meanwhile.
    /// </summary>
    /// <returns>False when it changed (412) or is gone (404): someone else wrote it in the same instant.</returns>
    public static async Task<bool> TryMergeAsync(this TableClient table, TableEntity patch, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await table.UpdateEntityAsync(patch, ifMatch, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.IsPreconditionFailed() || exception.IsNotFound())
        {
            return false;
        }
    }

    /// <summary>Deletes the entity if it is unchanged since it was read (If-Match on its ETag).</summary>
    public static async Task<DeleteOutcome> TryDeleteAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        try
        {
            // The SDK answers a 404 (deleted meanwhile) as success, with that status.
            var response = await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken);
            return response.Status == 404 ? DeleteOutcome.AlreadyGone : DeleteOutcome.Deleted;
        }
        catch (RequestFailedException exception) when (exception.IsPreconditionFailed())
        {
            return DeleteOutcome.Changed;
        }
    }

    /// <summary>Inserts the entity when it has never been stored (no ETag), else replaces it as <see cref="TryReplaceAsync{T}"/>.</summary>
    /// <returns>False when someone else inserted or changed it first.</returns>
    public static async Task<bool> TryInsertOrReplaceAsync<T>(this TableClient table, T entity, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        if (entity.ETag != default)
        {
            return await table.TryReplaceAsync(entity, cancellationToken);
        }

        try
        {
            await table.AddAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.IsConflict())
        {
            return false;
        }
    }
}

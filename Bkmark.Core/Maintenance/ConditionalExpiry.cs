using Azure;
using Azure.Data.Tables;

namespace Bkmark.Core.Maintenance;

/// <summary>
/// The usual handler body: read the target, ask it when it becomes deletable, delete it with its ETag.
/// A 412 means it changed since it was read (a refresh, another failure counted): read and decide again.
/// </summary>
public static class ConditionalExpiry
{
    private const int MaxRaceRetries = 5;

    /// <summary>
    /// <paramref name="deletableAt"/> says when the entity may go (null: it does not expire).
    /// <paramref name="deleteDependents"/> deletes what belongs to it first and returns how many it deleted;
    /// the entity goes last, so a crash in between is repeated by the next run.
    /// </summary>
    public static async Task<ExpiryOutcome> ExpireAsync<T>(
        TableClient table,
        ExpiryTarget target,
        DateTimeOffset now,
        Func<T, DateTimeOffset?> deletableAt,
        Func<T, CancellationToken, Task<int>>? deleteDependents,
        CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(deletableAt);

        var dependents = 0;
        for (var attempt = 0; attempt < MaxRaceRetries; attempt++)
        {
            var found = await table.GetEntityIfExistsAsync<T>(target.PartitionKey, target.RowKey, cancellationToken: cancellationToken);
            if (!found.HasValue)
            {
                return dependents > 0 ? new ExpiryOutcome.Deleted(dependents) : ExpiryOutcome.Nothing;
            }

            var entity = found.Value!;
            if (deletableAt(entity) is not { } due)
            {
                return ExpiryOutcome.Nothing;
            }

            if (due > now)
            {
                return new ExpiryOutcome.Later(due);
            }

            if (deleteDependents is not null)
            {
                dependents += await deleteDependents(entity, cancellationToken);
            }

            try
            {
                await table.DeleteEntityAsync(target.PartitionKey, target.RowKey, entity.ETag, cancellationToken);
                return new ExpiryOutcome.Deleted(dependents + 1);
            }
            catch (RequestFailedException exception) when (exception.Status is 404 or 412)
            {
                // Gone (another sweep) or changed since read: the next round reads it again and decides.
            }
        }

        throw new InvalidOperationException($"{target.Kind} {target.PartitionKey}/{target.RowKey} changed {MaxRaceRetries} times while being swept.");
    }
}

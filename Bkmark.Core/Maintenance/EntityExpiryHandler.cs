using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Bkmark.Core.Storage;

namespace Bkmark.Core.Maintenance;

/// <summary>
/// The usual handler: the target is one entity that knows when it becomes deletable. Reads it, asks
/// <see cref="DeletableAt"/>, deletes it with its ETag. A 412 means it changed since it was read (a
/// refresh, another failure counted): read and decide again. Gone means another sweep got there first.
/// </summary>
public abstract class EntityExpiryHandler<T>(BkmarkTables tables, string kind, string tableName) : IExpiryHandler
    where T : class, ITableEntity
{
    public string Kind => kind;

    protected BkmarkTables Tables => tables;

    private TableClient Table => tables[tableName];

    public async Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var dependents = 0;
        var outcome = await OptimisticConcurrency.RunAsync<ExpiryOutcome>(async () =>
        {
            var found = await Table.GetEntityIfExistsAsync<T>(target.PartitionKey, target.RowKey, cancellationToken: cancellationToken);
            if (!found.HasValue)
            {
                return dependents > 0 ? new ExpiryOutcome.Deleted(dependents) : ExpiryOutcome.Nothing;
            }

            var entity = found.Value!;
            if (DeletableAt(entity) is not { } due)
            {
                return ExpiryOutcome.Nothing;
            }

            if (due > now)
            {
                return new ExpiryOutcome.Later(due);
            }

            // What belongs to it goes first: the entity, deleted last, keeps the pointers for a repeat after a crash.
            dependents += await DeleteDependentsAsync(entity, cancellationToken);
            try
            {
                // The SDK answers a 404 (another sweep got there first) as success, with that status.
                var response = await Table.DeleteEntityAsync(target.PartitionKey, target.RowKey, entity.ETag, cancellationToken);
                dependents += response.Status == 404 ? 0 : 1;
                return dependents > 0 ? new ExpiryOutcome.Deleted(dependents) : ExpiryOutcome.Nothing;
            }
            catch (RequestFailedException exception) when (exception.IsPreconditionFailed())
            {
                // Changed since read: the next round reads it again and decides.
                return RaceAttempt.Lost;
            }
        });
        return outcome.Succeeded ? outcome.Value : ExpiryOutcome.Contended;
    }

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in Table.QueryAsync<T>(cancellationToken: cancellationToken))
        {
            if (DeletableAt(entity) is { } due)
            {
                yield return new ScheduledExpiry(new ExpiryTarget(kind, entity.PartitionKey, entity.RowKey), due);
            }
        }
    }

    /// <summary>When the entity may go; null when it does not expire.</summary>
    protected abstract DateTimeOffset? DeletableAt(T entity);

    /// <summary>Deletes what belongs to the entity and goes with it; returns how many were deleted.</summary>
    protected virtual Task<int> DeleteDependentsAsync(T entity, CancellationToken cancellationToken) => Task.FromResult(0);
}

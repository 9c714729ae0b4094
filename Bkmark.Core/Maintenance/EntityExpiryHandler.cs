using System.Runtime.CompilerServices;

namespace Bkmark.Core.Maintenance;

/// <summary>
/// The usual handler: the target is one entity that knows when it becomes deletable. Reads it, asks
/// <see cref="DeletableAt"/>, deletes it with its ETag. A 412 means it changed since it was read (a
/// refresh, another failure counted): read and decide again. Gone means another sweep got there first.
/// The entities come from the owning capability's store (<see cref="SweepableTable{T}"/>).
/// </summary>
internal abstract class EntityExpiryHandler<T>(SweepableTable<T> entities, string kind) : IExpiryHandler
    where T : class, ITableEntity
{
    public string Kind => kind;

    public async Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var dependents = 0;
        return await ExpiryOutcome.RaceAsync(async () =>
        {
            var entity = await entities.FindAsync(target.PartitionKey, target.RowKey, cancellationToken);
            if (entity is null)
            {
                return dependents > 0 ? new ExpiryOutcome.Deleted(dependents) : ExpiryOutcome.Nothing;
            }

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
            switch (await entities.TryDeleteAsync(entity, cancellationToken))
            {
                case DeleteOutcome.Changed:
                    // Changed since read: the next round reads it again and decides.
                    return RaceAttempt.Lost;
                case DeleteOutcome.Deleted:
                    dependents++;
                    break;
            }

            return dependents > 0 ? new ExpiryOutcome.Deleted(dependents) : ExpiryOutcome.Nothing;
        });
    }

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in entities.ScanAsync(cancellationToken))
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

/// <summary>An entity whose expiry is fixed when it is stored: a link token, an invitation, a challenge, a refresh credential.</summary>
internal interface IExpiringEntity : ITableEntity
{
    DateTimeOffset ExpiresAt { get; }
}

/// <summary>The handler of an <see cref="IExpiringEntity"/>: it goes at its expiry, and its entry is never re-scheduled.</summary>
internal abstract class FixedExpiryHandler<T>(SweepableTable<T> entities, string kind) : EntityExpiryHandler<T>(entities, kind)
    where T : class, IExpiringEntity
{
    protected sealed override DateTimeOffset? DeletableAt(T entity) => entity.ExpiresAt;
}

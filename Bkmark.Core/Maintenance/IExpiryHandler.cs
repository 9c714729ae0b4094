namespace Bkmark.Core.Maintenance;

/// <summary>
/// Deletes one kind of expiring thing for the sweep. Registered with
/// <see cref="MaintenanceServiceCollectionExtensions.AddExpiryHandler{THandler}"/>; each lives in its feature's folder, most as an <see cref="EntityExpiryHandler{T}"/>.
/// </summary>
/// <remarks>
/// The index entry only says "look at this"; the target is the authority. A handler re-reads it and
/// deletes it conditionally (its ETag), answers <see cref="ExpiryOutcome.Later"/> when the deadline
/// moved (a session refreshed, a throttle counted another failure), and treats "already gone" as done.
/// It must be idempotent: two sweeps may handle the same entry at once, and a sweep that died
/// half-way repeats it.
/// </remarks>
public interface IExpiryHandler
{
    /// <summary>The kind this handler owns, as in <see cref="ExpiryIndex.ScheduleAsync(string, string, string, DateTimeOffset, CancellationToken)"/>. Letters, digits and '-'.</summary>
    string Kind { get; }

    /// <summary>Deletes the target if it is deletable at <paramref name="now"/>.</summary>
    Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// For the one-off backfill: every stored target of this kind with the time it becomes deletable.
    /// Scans its table; never on a request path.
    /// </summary>
    IAsyncEnumerable<ScheduledExpiry> ScanAsync(CancellationToken cancellationToken);
}

/// <summary>What an index entry points at.</summary>
public sealed record ExpiryTarget(string Kind, string PartitionKey, string RowKey);

/// <summary>A target and when it becomes deletable.</summary>
public sealed record ScheduledExpiry(ExpiryTarget Target, DateTimeOffset DueAt);

/// <summary>What handling one index entry came to. Every outcome but <see cref="Later"/> and <see cref="StillChanging"/> removes the entry.</summary>
public abstract record ExpiryOutcome
{
    /// <summary>Deleted <see cref="Count"/> entities (the target and whatever belongs to it).</summary>
    public sealed record Deleted(int Count = 1) : ExpiryOutcome;

    /// <summary>Nothing to delete: the target is already gone, or it no longer expires (a key that is live again
    /// has no deadline; whatever gives it one schedules it anew).</summary>
    public sealed record NothingToDo : ExpiryOutcome;

    /// <summary>The deadline moved later: the sweep re-schedules the target in the bucket of <see cref="DueAt"/>.</summary>
    public sealed record Later(DateTimeOffset DueAt) : ExpiryOutcome;

    /// <summary>
    /// The target kept changing while it was being handled (every attempt of <see cref="Storage.OptimisticConcurrency"/>
    /// lost its race): the entry stays, and the next sweep decides again.
    /// </summary>
    public sealed record StillChanging : ExpiryOutcome;

    /// <summary>What a conditional delete of the target came to: changed since read means the next sweep decides again.</summary>
    public static ExpiryOutcome Of(Storage.DeleteOutcome delete) => delete switch
    {
        Storage.DeleteOutcome.Deleted => Done,
        Storage.DeleteOutcome.AlreadyGone => Nothing,
        _ => Contended,
    };

    /// <summary>
    /// Runs a handler's read-decide-delete <paramref name="attempt"/> under <see cref="Storage.OptimisticConcurrency"/>:
    /// a lost race reads again; when every attempt lost, <see cref="Contended"/>.
    /// </summary>
    public static async Task<ExpiryOutcome> RaceAsync(Func<Task<RaceAttempt<ExpiryOutcome>>> attempt)
    {
        var outcome = await Storage.OptimisticConcurrency.RunAsync(attempt);
        return outcome.Succeeded ? outcome.Value : Contended;
    }

    public static readonly ExpiryOutcome Done = new Deleted();
    public static readonly ExpiryOutcome Nothing = new NothingToDo();
    public static readonly ExpiryOutcome Contended = new StillChanging();
}

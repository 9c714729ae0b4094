using Azure;
using Azure.Data.Tables;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Storage;

namespace Bkmark.Core.Throttling;

/// <summary>
/// Counts failed attempts per subject in storage (so the count holds across instances) and locks the
/// subject out after too many. Used for passwords and, separately, for two-factor codes.
/// </summary>
public sealed class AttemptThrottle(BkmarkTables tables, ExpiryIndex expiry, TimeProvider time)
{
    private const int MaxRaceRetries = 8;
    private TableClient Table => tables[TableNames.Throttles];

    /// <summary>The subject's state, read once; pass it back to record the outcome.</summary>
    public async Task<ThrottleState> ReadAsync(ThrottlePolicy policy, string subject, CancellationToken cancellationToken)
    {
        var entity = await Table.FindAsync<ThrottleEntity>(policy.Kind, subject, cancellationToken);
        return new ThrottleState(policy, subject, entity, time.GetUtcNow());
    }

    /// <summary>Counts a failure; the one that reaches the limit starts the lock-out.</summary>
    public async Task RecordFailureAsync(ThrottleState state, CancellationToken cancellationToken)
    {
        var entity = state.Entity;
        // Each round of a race records one failure, and after MaxFailures of them the subject is locked out.
        var attempts = state.Policy.MaxFailures + MaxRaceRetries;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var now = time.GetUtcNow();
            var policy = state.Policy;
            // A new window starts when the old one ran out or a lock-out has ended.
            var fresh = entity is null
                || entity.WindowStartedAt + policy.Window <= now
                || entity.LockedUntil is { } lockedUntil && lockedUntil <= now;
            var failures = fresh ? 1 : entity!.Failures + 1;
            var updated = new ThrottleEntity
            {
                PartitionKey = policy.Kind,
                RowKey = state.Subject,
                Failures = failures,
                WindowStartedAt = fresh ? now : entity!.WindowStartedAt,
                LockedUntil = failures >= policy.MaxFailures ? now + policy.LockoutDuration : null,
                ExpiresAt = now + policy.Window + policy.LockoutDuration,
            };

            try
            {
                if (entity is null)
                {
                    // Scheduled once per record; later failures move ExpiresAt and the sweep follows it.
                    await expiry.ScheduleAsync(ThrottleExpiryHandler.KindName, updated.PartitionKey, updated.RowKey, updated.ExpiresAt, cancellationToken);
                    await Table.AddEntityAsync(updated, cancellationToken);
                }
                else
                {
                    await Table.UpdateEntityAsync(updated, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException exception) when (exception.IsPreconditionFailed() || exception.IsConflict() || exception.IsNotFound())
            {
                // Another instance counted a failure at the same time: count ours on top of theirs.
                entity = await Table.FindAsync<ThrottleEntity>(policy.Kind, state.Subject, cancellationToken);

                // Once a concurrent failure has started the lock-out, counting ours changes nothing. Without this,
                // N simultaneous failures need N rounds of retries and the last ones give up with an exception.
                if (entity?.LockedUntil is { } lockedBy && lockedBy > time.GetUtcNow())
                {
                    return;
                }
            }
        }

        throw new InvalidOperationException($"Could not record a failed attempt after {attempts} races.");
    }

    /// <summary>A success clears the count. Costs nothing when there was no failure on record.</summary>
    public async Task ResetAsync(ThrottleState state, CancellationToken cancellationToken)
    {
        if (state.Entity is null)
        {
            return;
        }

        // Already cleared by a concurrent success is fine: the SDK answers 404 without throwing.
        await Table.DeleteEntityAsync(state.Entity, ETag.All, cancellationToken);
    }
}

/// <summary>One kind of throttled attempt, e.g. passwords: 5 failures in 15 minutes lock out for 15 minutes.</summary>
public sealed record ThrottlePolicy(string Kind, int MaxFailures, TimeSpan Window, TimeSpan LockoutDuration);

/// <summary>A subject's throttle state as read at the start of an attempt.</summary>
public sealed class ThrottleState(ThrottlePolicy policy, string subject, ThrottleEntity? entity, DateTimeOffset now)
{
    internal ThrottlePolicy Policy => policy;

    internal string Subject => subject;

    internal ThrottleEntity? Entity => entity;

    /// <summary>How long until the subject may try again; null when not locked out.</summary>
    public TimeSpan? LockedFor => entity?.LockedUntil is { } until && until > now ? until - now : null;
}

/// <summary>PartitionKey = the policy's kind, RowKey = the subject (a user id or a hash of an email).</summary>
public sealed class ThrottleEntity : StoredEntity
{
    public int Failures { get; set; }
    public DateTimeOffset WindowStartedAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>When the record stops mattering; the sweep deletes it after this.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

using Bkmark.Core.Telemetry;

namespace Bkmark.Core.Throttling;

/// <summary>
/// Counts attempts per subject in storage (so the count holds across instances) and locks the subject out
/// after too many failures. Used for passwords and, separately, for two-factor codes.
/// </summary>
/// <remarks>
/// DESIGN.md §7: an attempt takes its slot before it is checked. <see cref="ClaimAsync"/> counts the attempt
/// as a failure with an ETag-conditional write, and only a granted claim may be verified; a success then
/// clears the count. So N guesses sent at once are throttled exactly like N sent one after another: of
/// them, at most <see cref="ThrottlePolicy.MaxFailures"/> are ever checked.
/// </remarks>
internal sealed class AttemptThrottle(ThrottleStore store, BkmarkMetrics metrics, TimeProvider time)
{
    // A claim loses a race only to a claim that was counted, and once MaxFailures are counted every claim is refused
    // without a write. So MaxFailures lost races plus a margin for releases and resets bound the rounds.
    private const int ExtraRaceRounds = 8;

    // When claims still keep losing, the subject is under a flood of attempts: refuse this one rather than check it.
    private static readonly TimeSpan FloodRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>Takes the slot for one attempt before it is checked; the claim that reaches the limit starts the lock-out.</summary>
    public async Task<AttemptClaim> ClaimAsync(ThrottlePolicy policy, string subject, CancellationToken cancellationToken)
    {
        for (var round = 0; round < policy.MaxFailures + ExtraRaceRounds; round++)
        {
            var now = time.GetUtcNow();
            var entity = await store.FindAsync(policy.Kind, subject, cancellationToken);
            if (entity?.LockedUntil is { } lockedUntil && lockedUntil > now)
            {
                metrics.Throttled(policy.Kind);
                return AttemptClaim.Refused(policy, subject, lockedUntil - now);
            }

            // A new window starts when the old one ran out or a lock-out has ended.
            var fresh = entity is null || entity.WindowStartedAt + policy.Window <= now || entity.LockedUntil is not null;
            var failures = fresh ? 1 : entity!.Failures + 1;
            var claimed = new ThrottleEntity
            {
                PartitionKey = subject,
                RowKey = policy.Kind,
                Failures = failures,
                WindowStartedAt = fresh ? now : entity!.WindowStartedAt,
                LockedUntil = failures >= policy.MaxFailures ? now + policy.LockoutDuration : null,
                ExpiresAt = now + policy.Window + policy.LockoutDuration,
                ETag = entity?.ETag ?? default,
            };
            if (await store.TrySaveAsync(claimed, cancellationToken))
            {
                return AttemptClaim.Granted(policy, subject);
            }
        }

        metrics.Throttled(policy.Kind);
        return AttemptClaim.Refused(policy, subject, FloodRetryAfter);
    }

    /// <summary>
    /// The one "claim a guess slot, check, settle" protocol (DESIGN.md §7): the attempt takes its slot first, so it
    /// is refused while <paramref name="subject"/> is locked out and never checked then; otherwise
    /// <paramref name="check"/> runs, and <paramref name="judge"/> says how its result counts: a proof clears the
    /// count, a failed guess stays counted, and what was no guess gives its slot back. <paramref name="judge"/> is
    /// optional: by default a success proves the subject and a failure is a failed guess.
    /// </summary>
    /// <returns>The check's result, or 429 <c>TOO_MANY_ATTEMPTS</c> with the lock-out's remaining time.</returns>
    public async Task<Result<T>> GuessAsync<T>(
        ThrottlePolicy policy, string subject, Func<Task<Result<T>>> check, Func<Result<T>, GuessOutcome>? judge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        var claim = await ClaimAsync(policy, subject, cancellationToken);
        if (claim.RetryAfter is { } retryAfter)
        {
            return Problems.TooManyAttempts(retryAfter);
        }

        var result = await check();
        switch (judge?.Invoke(result) ?? (result.Succeeded ? GuessOutcome.Proved : GuessOutcome.Failed))
        {
            case GuessOutcome.Proved:
                await ResetAsync(claim, cancellationToken);
                break;
            case GuessOutcome.NotAGuess:
                await ReleaseAsync(claim, cancellationToken);
                break;
            default:
                // A failed guess leaves its claimed slot counted: that is the failure.
                break;
        }

        return result;
    }

    /// <summary>A success clears the count, and with it any lock-out the claims in flight started.</summary>
    public Task ResetAsync(AttemptClaim claim, CancellationToken cancellationToken) =>
        store.DeleteAsync(claim.Policy.Kind, claim.Subject, cancellationToken);

    /// <summary>
    /// Gives back a claim whose attempt turned out not to be a guess (e.g. two-factor was not on), so it does
    /// not count as a failure. A lost race retries; a record already gone has nothing to give back.
    /// </summary>
    public async Task ReleaseAsync(AttemptClaim claim, CancellationToken cancellationToken)
    {
        var policy = claim.Policy;
        for (var round = 0; round < policy.MaxFailures + ExtraRaceRounds; round++)
        {
            var entity = await store.FindAsync(policy.Kind, claim.Subject, cancellationToken);
            if (entity is not { Failures: > 0 })
            {
                return;
            }

            entity.Failures--;
            if (entity.Failures < policy.MaxFailures)
            {
                entity.LockedUntil = null;
            }

            if (await store.TrySaveAsync(entity, cancellationToken))
            {
                return;
            }
        }

        // Still racing: leaving the attempt counted errs on the safe side.
    }
}

/// <summary>How a guess checked under <see cref="AttemptThrottle.GuessAsync"/> counts.</summary>
public enum GuessOutcome
{
    /// <summary>Right: the subject proved itself (its password, its code); the count is cleared.</summary>
    Proved,

    /// <summary>Wrong: the slot stays counted towards the lock-out.</summary>
    Failed,

    /// <summary>Not a guess after all (a real link, two-factor not on): the slot is given back, nothing else is cleared.</summary>
    NotAGuess,
}

/// <summary>One kind of throttled attempt, e.g. passwords: 5 failures in 15 minutes lock out for 15 minutes.</summary>
public sealed record ThrottlePolicy(string Kind, int MaxFailures, TimeSpan Window, TimeSpan LockoutDuration);

/// <summary>The outcome of <see cref="AttemptThrottle.ClaimAsync"/>: the attempt may be checked, or not for <see cref="RetryAfter"/>.</summary>
public sealed class AttemptClaim
{
    private AttemptClaim(ThrottlePolicy policy, string subject, TimeSpan? retryAfter)
    {
        Policy = policy;
        Subject = subject;
        RetryAfter = retryAfter;
    }

    internal ThrottlePolicy Policy { get; }

    internal string Subject { get; }

    /// <summary>How long until the subject may try again; null when the attempt may be checked.</summary>
    public TimeSpan? RetryAfter { get; }

    internal static AttemptClaim Granted(ThrottlePolicy policy, string subject) => new(policy, subject, null);

    internal static AttemptClaim Refused(ThrottlePolicy policy, string subject, TimeSpan retryAfter) => new(policy, subject, retryAfter);
}

/// <summary>PartitionKey = the subject (a user id, a device, or a hash of an email), RowKey = the policy's kind (<see cref="ThrottleStore"/> says why).</summary>
internal sealed class ThrottleEntity : StoredEntity
{
    /// <summary>Attempts counted in the current window: failures, and claims whose check has not finished.</summary>
    public int Failures { get; set; }

    public DateTimeOffset WindowStartedAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>When the record stops mattering; the sweep deletes it after this.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

namespace Bkmark.Core.Storage;

/// <summary>
/// The one read-modify-write loop: each attempt reads, decides and writes with the ETag it read; a lost
/// race (412, or 409 on an insert) is tried again from a fresh read, a bounded number of times, and then
/// answered as 409 <c>CONFLICT</c> ("retrying is safe"), never as an exception.
/// </summary>
/// <example>
/// <code>
/// return await OptimisticConcurrency.RunAsync&lt;Passkey&gt;(async () =>
/// {
///     var passkey = await store.FindAsync(userId, passkeyId, cancellationToken);
///     if (passkey is null) return Problems.NotFound("The passkey");
///     passkey.Name = name;
///     return await store.TryReplaceAsync(passkey, cancellationToken) ? passkey : RaceAttempt.Lost;
/// });
/// </code>
/// </example>
public static class OptimisticConcurrency
{
    /// <summary>Attempts for an entity that a user's own requests rarely write at once.</summary>
    public const int DefaultAttempts = 8;

    /// <summary>Attempts for one row that every concurrent request of a user writes (the API-key ledger).</summary>
    public const int HotRowAttempts = 64;

    /// <summary>Runs <paramref name="attempt"/> until it is not <see cref="RaceAttempt.Lost"/>, at most <paramref name="maxAttempts"/> times.</summary>
    /// <returns>The attempt's result; <see cref="Problems.ConcurrentChange"/> when every attempt lost its race.</returns>
    public static async Task<Result<T>> RunAsync<T>(Func<Task<RaceAttempt<T>>> attempt, int maxAttempts = DefaultAttempts)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        for (var tried = 0; tried < maxAttempts; tried++)
        {
            var outcome = await attempt();
            if (!outcome.LostRace)
            {
                return outcome.Result;
            }
        }

        return Problems.ConcurrentChange();
    }
}

/// <summary>The outcome of one attempt of <see cref="OptimisticConcurrency.RunAsync{T}"/>: a result, or a lost race to try again.</summary>
public readonly struct RaceAttempt<T>
{
    private RaceAttempt(Result<T> result, bool lostRace)
    {
        Result = result;
        LostRace = lostRace;
    }

    public Result<T> Result { get; }

    public bool LostRace { get; }

    public static implicit operator RaceAttempt<T>(T value) => new(value, lostRace: false);

    public static implicit operator RaceAttempt<T>(Problem problem) => new(problem, lostRace: false);

    public static implicit operator RaceAttempt<T>(Result<T> result) => new(result, lostRace: false);

    public static implicit operator RaceAttempt<T>(RaceAttempt lost) => new(default, lostRace: true);
}

/// <summary>Says "this attempt lost its race; read again and retry", for any <see cref="RaceAttempt{T}"/>.</summary>
public readonly struct RaceAttempt
{
    public static RaceAttempt Lost => default;
}

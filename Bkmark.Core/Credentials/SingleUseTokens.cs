using Bkmark.Core.Maintenance;
using Bkmark.Core.Throttling;

namespace Bkmark.Core.Credentials;

/// <summary>
/// Every single-use secret (a lifecycle link, an invitation, the next one): issued, found, spent and voided here,
/// once, for a <see cref="TokenPurpose{T}"/> that names its format, lifetime, throttle and answers. A token is stored
/// only as its HMAC, found by one point read of its hashed prefix with a constant-time compare (DESIGN.md §3), spent
/// with its ETag so that of N concurrent uses exactly one wins, and swept when it expires.
/// </summary>
/// <remarks>
/// DESIGN.md §7 and §14: a presented token is a guess until it proves real. It claims a slot in its purpose's
/// throttle before it is looked up; a token that matches no stored token stays counted, and any real one (usable,
/// used, expired, void or for another purpose) gives its slot back, so a double-click or twenty clicks on one link
/// never lock its sender out.
/// </remarks>
internal sealed class SingleUseTokens(
    SingleUseTokenStore store,
    CredentialHasher hasher,
    ExpiryIndex expiry,
    AttemptThrottle throttle,
    TimeProvider time)
{
    /// <summary>A family's table as its expiry handler sweeps it (<see cref="SingleUseTokenExpiryHandler{T}"/>).</summary>
    public SweepableTable<T> Sweepable<T>(TokenTable<T> table)
        where T : SingleUseToken => store.Sweepable(table);

    /// <summary>Deletes a swept token's holder entry; false when it was already gone.</summary>
    public Task<bool> DeleteHolderEntryAsync<T>(TokenTable<T> table, T token, CancellationToken cancellationToken)
        where T : SingleUseToken => store.DeleteHolderEntryAsync(table, token, cancellationToken);

    /// <summary>
    /// Stores <paramref name="token"/> (its purpose's payload filled in by the caller) as a new token of
    /// <paramref name="purpose"/>, valid for its lifetime, and returns the raw token: for the email only.
    /// </summary>
    public async Task<string> IssueAsync<T>(TokenPurpose<T> purpose, T token, CancellationToken cancellationToken)
        where T : SingleUseToken
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(token);
        var raw = purpose.Format.Generate();
        purpose.Format.TryGetPublicPrefix(raw, out var publicPrefix);
        token.PartitionKey = CredentialHasher.PartitionOf(publicPrefix);
        token.RowKey = hasher.Hash(raw);
        token.Purpose = purpose.Name;
        token.ExpiresAt = time.GetUtcNow() + purpose.Lifetime;

        // Scheduled before it exists, so the sweep never misses it.
        await expiry.ScheduleAsync(purpose.Table.ExpiryKind, token.PartitionKey, token.RowKey, token.ExpiresAt, cancellationToken);
        await store.AddAsync(purpose.Table, token, cancellationToken);
        return raw;
    }

    /// <summary>
    /// The live, unused token of <paramref name="purpose"/> that <paramref name="raw"/> names, or the purpose's answer
    /// for why it cannot be used. The attempt is throttled on <paramref name="throttleSubject"/> (a client address, a
    /// user) before anything is looked up; only a token that matches nothing stays counted.
    /// </summary>
    public async Task<Result<T>> FindAsync<T>(TokenPurpose<T> purpose, string? raw, string throttleSubject, CancellationToken cancellationToken)
        where T : SingleUseToken
    {
        ArgumentNullException.ThrowIfNull(purpose);
        var answers = purpose.Answers;
        if (string.IsNullOrEmpty(raw))
        {
            return answers.Missing;
        }

        var wellFormed = purpose.Format.TryGetPublicPrefix(raw, out var publicPrefix);
        if (!wellFormed && answers.Malformed is { } malformed)
        {
            return malformed;
        }

        var real = false;
        return await throttle.GuessAsync(
            purpose.Guesses,
            throttleSubject,
            async () =>
            {
                var token = wellFormed
                    ? await hasher.FindAsync(raw, publicPrefix, (partition, row, ct) => store.FindAsync(purpose.Table, partition, row, ct), cancellationToken)
                    : null;
                real = token is not null;
                return token is null || token.Purpose != purpose.Name ? answers.Unknown : Usable(purpose, token);
            },
            _ => real ? GuessOutcome.NotAGuess : GuessOutcome.Failed,
            cancellationToken);
    }

    /// <summary>Finds the usable token <paramref name="raw"/> names and spends it at once, for a token with nothing to check in between.</summary>
    public async Task<Result<T>> SpendAsync<T>(TokenPurpose<T> purpose, string? raw, string throttleSubject, CancellationToken cancellationToken)
        where T : SingleUseToken
    {
        var token = await FindAsync(purpose, raw, throttleSubject, cancellationToken);
        if (!token.Succeeded)
        {
            return token.Problem;
        }

        return await TrySpendAsync(purpose, token.Value, cancellationToken) ? token.Value : purpose.Answers.Used;
    }

    /// <summary>Spends a token from <see cref="FindAsync"/>, conditional on the ETag read then: of concurrent spends (or a spend and a void) exactly one wins.</summary>
    /// <returns>False when it was spent or voided since it was found.</returns>
    public Task<bool> TrySpendAsync<T>(TokenPurpose<T> purpose, T token, CancellationToken cancellationToken)
        where T : SingleUseToken
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(token);
        token.UsedAt = time.GetUtcNow();
        return store.TryReplaceAsync(purpose.Table, token, cancellationToken);
    }

    /// <summary>
    /// The outstanding (unused, not void, unexpired) tokens of <paramref name="purposes"/> that <paramref name="holderId"/>
    /// holds, oldest first: one query of the holder's entries, then one point read per token.
    /// </summary>
    public async Task<IReadOnlyList<T>> ListOutstandingAsync<T>(string holderId, IReadOnlyCollection<TokenPurpose<T>> purposes, CancellationToken cancellationToken)
        where T : SingleUseToken
    {
        ArgumentNullException.ThrowIfNull(purposes);
        if (string.IsNullOrEmpty(holderId) || purposes.Count == 0)
        {
            return [];
        }

        var table = purposes.Select(purpose => purpose.Table).Distinct().Single();
        var names = purposes.Select(purpose => purpose.Name).ToHashSet(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var outstanding = new List<T>();
        foreach (var entry in await store.ListHolderEntriesAsync(table, holderId, cancellationToken))
        {
            if (names.Contains(entry.Purpose) && entry.ExpiresAt > now
                && await store.FindAsync(table, entry.TokenPartitionKey, entry.TokenRowKey, cancellationToken) is { } token
                && IsOutstanding(token, now))
            {
                outstanding.Add(token);
            }
        }

        return [.. outstanding.OrderBy(token => token.ExpiresAt)];
    }

    /// <summary>
    /// Voids every outstanding token of <paramref name="purposes"/> that <paramref name="holderId"/> holds (DESIGN.md §14:
    /// recovery ends the account's other links). Tokens issued before holders were recorded expire as they would.
    /// </summary>
    /// <returns>How many tokens this call voided.</returns>
    public async Task<int> VoidAllAsync<T>(string holderId, IReadOnlyCollection<TokenPurpose<T>> purposes, CancellationToken cancellationToken)
        where T : SingleUseToken
    {
        var voided = 0;
        foreach (var token in await ListOutstandingAsync(holderId, purposes, cancellationToken))
        {
            voided += await TryVoidAsync(purposes.First(purpose => purpose.Name == token.Purpose), token, cancellationToken) ? 1 : 0;
        }

        return voided;
    }

    /// <summary>
    /// Voids one outstanding token (withdrawing an invitation, say). Written with the token's ETag, so a use that found
    /// it before the void cannot spend it afterwards; a lost race reads it again and decides anew.
    /// </summary>
    /// <returns>True when this call voided it; false when it was used, voided or expired already.</returns>
    public async Task<bool> TryVoidAsync<T>(TokenPurpose<T> purpose, T token, CancellationToken cancellationToken)
        where T : SingleUseToken
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ArgumentNullException.ThrowIfNull(token);
        var attempts = 0;
        var voided = await OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            // The first attempt writes the token as the caller read it; after a lost race, as it is now.
            var candidate = attempts++ == 0 ? token : await store.FindAsync(purpose.Table, token.PartitionKey, token.RowKey, cancellationToken);
            if (candidate is null || !IsOutstanding(candidate, time.GetUtcNow()))
            {
                return false;
            }

            candidate.VoidedAt = time.GetUtcNow();
            return await store.TryReplaceAsync(purpose.Table, candidate, cancellationToken) ? true : RaceAttempt.Lost;
        });
        return voided is { Succeeded: true, Value: true };
    }

    /// <summary>The token itself, or the purpose's answer for one that was used, voided or has expired.</summary>
    private Result<T> Usable<T>(TokenPurpose<T> purpose, T token)
        where T : SingleUseToken
    {
        if (token.UsedAt is not null)
        {
            return purpose.Answers.Used;
        }

        if (token.VoidedAt is not null)
        {
            return purpose.Answers.Void;
        }

        return time.GetUtcNow() >= token.ExpiresAt ? purpose.Answers.Expired(token.ExpiresAt) : token;
    }

    private static bool IsOutstanding(SingleUseToken token, DateTimeOffset now) =>
        token.UsedAt is null && token.VoidedAt is null && now < token.ExpiresAt;
}

using Bkmark.Core.Json;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Sessions;
using Bkmark.Core.Throttling;

namespace Bkmark.Core.Lifecycle;

/// <summary>
/// The single-use tokens in the lifecycle's emailed links: <c>bkl_</c> + 256 random bits, stored only as
/// HMAC-SHA256 under the pepper and found by one point read (DESIGN.md §3). Presenting one is a guess until
/// it proves genuine: it first claims a slot in its client address's throttle (§7), which only a usable link
/// gives back.
/// </summary>
internal sealed class LifecycleTokens(
    LifecycleTokenStore store, CredentialHasher hasher, ExpiryIndex expiry, AttemptThrottle throttle, TimeProvider time, IOptions<LifecycleOptions> options)
{
    private static readonly OpaqueTokenFormat Format = new("bkl_");

    private readonly ThrottlePolicy _guesses = new("lifecycle-link", options.Value.LinkMaxFailures, options.Value.LinkLockout, options.Value.LinkLockout);

    /// <summary>Stores a new token for <paramref name="purpose"/>, valid for <paramref name="lifetime"/>, and returns it raw (for the email only).</summary>
    public async Task<string> IssueAsync(
        string purpose, string userId, string email, string? previousEmail, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var raw = Format.Generate();
        Format.TryGetPublicPrefix(raw, out var publicPrefix);
        var token = new LifecycleTokenEntity
        {
            PartitionKey = CredentialHasher.PartitionOf(publicPrefix),
            RowKey = hasher.Hash(raw),
            Purpose = purpose,
            UserId = userId,
            Email = email,
            PreviousEmail = previousEmail,
            ExpiresAt = time.GetUtcNow() + lifetime,
        };
        // Scheduled before it exists, so the sweep never misses it.
        await expiry.ScheduleAsync(LifecycleTokenExpiryHandler.KindName, token.PartitionKey, token.RowKey, token.ExpiresAt, cancellationToken);
        await store.AddAsync(token, cancellationToken);
        return raw;
    }

    /// <summary>
    /// The live, unused token of <paramref name="purpose"/> that <paramref name="raw"/> names. The attempt is
    /// throttled per client address before anything is looked up; a usable token releases its claim, so only
    /// unusable ones count.
    /// </summary>
    public async Task<Result<LifecycleTokenEntity>> FindUsableAsync(string? raw, string purpose, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (string.IsNullOrEmpty(raw))
        {
            return Problems.Validation("token", "The token from the link is required.");
        }

        var claim = await throttle.ClaimAsync(_guesses, client.IpAddress ?? "unknown", cancellationToken);
        if (claim.RetryAfter is { } retryAfter)
        {
            return Problems.TooManyAttempts(retryAfter);
        }

        if (!Format.TryGetPublicPrefix(raw, out var publicPrefix))
        {
            return Unusable();
        }

        var row = hasher.Hash(raw);
        var token = await store.FindAsync(CredentialHasher.PartitionOf(publicPrefix), row, cancellationToken);
        if (token is null || !CredentialHasher.HashesEqual(token.RowKey, row) || token.Purpose != purpose || token.UsedAt is not null)
        {
            return Unusable();
        }

        if (time.GetUtcNow() >= token.ExpiresAt)
        {
            return Problems.TokenExpired($"This link expired at {BkmarkJson.FormatTime(token.ExpiresAt)}. Ask for a new one.");
        }

        await throttle.ReleaseAsync(claim, cancellationToken);
        return token;
    }

    /// <summary>Spends the token; of concurrent uses of one link exactly one gets true.</summary>
    public Task<bool> TrySpendAsync(LifecycleTokenEntity token, CancellationToken cancellationToken) =>
        store.TryMarkUsedAsync(token, time.GetUtcNow(), cancellationToken);

    /// <summary>The answer for a link that is unknown, spent, or for something else: one answer, so none tells which.</summary>
    public static Problem Unusable() => Problems.InvalidToken("This link is not valid or was already used. Ask for a new one.");
}

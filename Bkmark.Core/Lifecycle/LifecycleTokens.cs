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
    LifecycleTokenStore store,
    LifecycleEmails emails,
    CredentialHasher hasher,
    ExpiryIndex expiry,
    AttemptThrottle throttle,
    TimeProvider time,
    IOptions<LifecycleOptions> options)
{
    private static readonly OpaqueTokenFormat Format = new("bkl_");

    private readonly ThrottlePolicy guesses = new("lifecycle-link", options.Value.LinkMaxFailures, options.Value.LinkLockout, options.Value.LinkLockout);

    /// <summary>Issues a token for <paramref name="purpose"/> and emails its link to <paramref name="email"/>: every lifecycle link goes out this way.</summary>
    public async Task SendLinkAsync(LinkPurpose purpose, string userId, string email, string? previousEmail, CancellationToken cancellationToken)
    {
        var token = await IssueAsync(purpose, userId, email, previousEmail, cancellationToken);
        await emails.SendLinkAsync(purpose.Template, email, purpose.PageAction, token, cancellationToken);
    }

    /// <summary>Stores a new token for <paramref name="purpose"/>, valid for its lifetime, and returns it raw (for the email only).</summary>
    public async Task<string> IssueAsync(LinkPurpose purpose, string userId, string email, string? previousEmail, CancellationToken cancellationToken)
    {
        var raw = Format.Generate();
        Format.TryGetPublicPrefix(raw, out var publicPrefix);
        var token = new LifecycleTokenEntity
        {
            PartitionKey = CredentialHasher.PartitionOf(publicPrefix),
            RowKey = hasher.Hash(raw),
            Purpose = purpose.Name,
            UserId = userId,
            Email = email,
            PreviousEmail = previousEmail,
            ExpiresAt = time.GetUtcNow() + purpose.Lifetime(options.Value),
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
    public async Task<Result<LifecycleTokenEntity>> FindUsableAsync(string? raw, LinkPurpose purpose, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (string.IsNullOrEmpty(raw))
        {
            return Problems.Validation("token", "The token from the link is required.");
        }

        var claim = await throttle.ClaimAsync(guesses, client.IpAddress ?? "unknown", cancellationToken);
        if (claim.RetryAfter is { } retryAfter)
        {
            return Problems.TooManyAttempts(retryAfter);
        }

        if (!Format.TryGetPublicPrefix(raw, out var publicPrefix))
        {
            return Unusable();
        }

        var token = await hasher.FindAsync(raw, publicPrefix, store.FindAsync, cancellationToken);
        if (token is null || token.Purpose != purpose.Name || token.UsedAt is not null)
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

    /// <summary>Finds the usable token <paramref name="raw"/> names and spends it at once, for a link with nothing to check in between.</summary>
    public async Task<Result<LifecycleTokenEntity>> SpendAsync(string? raw, LinkPurpose purpose, ClientInfo client, CancellationToken cancellationToken)
    {
        var link = await FindUsableAsync(raw, purpose, client, cancellationToken);
        if (!link.Succeeded)
        {
            return link.Problem;
        }

        return await TrySpendAsync(link.Value, cancellationToken) ? link.Value : Unusable();
    }

    /// <summary>Spends the token; of concurrent uses of one link exactly one gets true.</summary>
    public Task<bool> TrySpendAsync(LifecycleTokenEntity token, CancellationToken cancellationToken) =>
        store.TryMarkUsedAsync(token, time.GetUtcNow(), cancellationToken);

    /// <summary>The answer for a link that is unknown, spent, or for something else: one answer, so none tells which.</summary>
    public static Problem Unusable() => Problems.InvalidToken("This link is not valid or was already used. Ask for a new one.");
}

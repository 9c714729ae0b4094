using Bkmark.Core.Json;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// A key acts only within itself (DESIGN §7, §15): whatever an API key creates, changes, rolls or revokes must be
/// within it in all four of scopes, expiry, rate limit and fence (<c>allowedIps</c>). So a leaked key can neither mint
/// a wider one, nor widen itself or a sibling, nor take a wider sibling's new value by rolling it. A session may do
/// anything within the plan, so it passes every check here (widening with one needs step-up: <see cref="Widens"/>).
/// </summary>
internal static class ApiKeyContainment
{
    /// <summary>A test key acts only on test keys: to it a live key does not exist (NOT_FOUND, as another user's key).</summary>
    public static bool IsVisibleTo(Caller caller, ApiKeyCredentialEntity credential) => !caller.IsTestKey || credential.IsTest;

    /// <summary>
    /// Whether <paramref name="caller"/> may change, roll or revoke the key whose current value is <paramref name="target"/>:
    /// null when it may; NOT_FOUND for a live key seen by a test key; else the first of the four limits the target exceeds.
    /// </summary>
    public static Problem? MayActOn(Caller caller, ApiKeyCredentialEntity target) =>
        !IsVisibleTo(caller, target)
            ? LiveApiKeys.NotFound()
            : Within(caller, KeyLimits.Of(target), "The API key it acts on");

    /// <summary>
    /// Null when a key with <paramref name="limits"/> lies within <paramref name="caller"/>: scopes it holds (else
    /// <c>SCOPE_REQUIRED</c>), an expiry no later than its own (none only when it has none), a rate limit no higher, and
    /// a fence inside its own (none only when it has none); else <c>KEY_LIMITS_EXCEEDED</c> naming the limit.
    /// </summary>
    public static Problem? Within(Caller caller, KeyLimits limits, string what = "A key this API key creates or changes")
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(limits);
        if (caller.IsSession)
        {
            return null;
        }

        if (limits.Scopes.FirstOrDefault(scope => !caller.HasScope(scope)) is { } missing)
        {
            return Problems.ScopeRequired(missing);
        }

        if (caller.ExpiresAt is { } ownExpiry && (limits.ExpiresAt is not { } expiresAt || expiresAt > ownExpiry))
        {
            return ApiKeyProblems.KeyLimitsExceeded($"This API key expires at {BkmarkJson.FormatTime(ownExpiry)}. {what} must expire no later than that.");
        }

        if (caller.RateLimitPerMinute is { } ownLimit && limits.RateLimitPerMinute > ownLimit)
        {
            return ApiKeyProblems.KeyLimitsExceeded($"This API key may make {ownLimit} requests a minute. {what} may not make more.");
        }

        if (!AllowedIpRanges.IsWithin(limits.AllowedIps, caller.AllowedIps))
        {
            return ApiKeyProblems.KeyLimitsExceeded($"This API key may be used only from its allowedIps. {what} must be fenced inside them.");
        }

        return null;
    }

    /// <summary>Whether <paramref name="after"/> can do anything <paramref name="before"/> could not: a scope more, a later or no expiry, a higher rate, a wider or no fence.</summary>
    public static bool Widens(KeyLimits before, KeyLimits after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return after.Scopes.Any(scope => !Scopes.Allows(before.Scopes, scope))
            || before.ExpiresAt is { } ended && (after.ExpiresAt is not { } ends || ends > ended)
            || after.RateLimitPerMinute > before.RateLimitPerMinute
            || !AllowedIpRanges.IsWithin(after.AllowedIps, before.AllowedIps);
    }
}

/// <summary>The four limits of a key, as it is or as a request would make it.</summary>
internal sealed record KeyLimits(IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt, int RateLimitPerMinute, IReadOnlyList<string> AllowedIps)
{
    public static KeyLimits Of(ApiKeyCredentialEntity credential) =>
        new(credential.ScopeList, credential.ExpiresAt, credential.RateLimitPerMinute, credential.AllowedIpList);
}

using Bkmark.Core.Authorization;
using Bkmark.Core.Json;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// A key acts only within itself (DESIGN §7, §15): the rules every route that creates, changes, rolls or revokes a
/// key with an API key applies. A session may do anything within the plan, so it passes every check here.
/// </summary>
internal static class ApiKeyContainment
{
    /// <summary>A test key acts only on test keys: to it a live key does not exist (NOT_FOUND, as another user's key).</summary>
    public static bool IsVisibleTo(Caller caller, ApiKeyCredentialEntity credential) => !caller.IsTestKey || credential.IsTest;

    /// <summary>
    /// Whether <paramref name="caller"/> may change, roll or revoke the key whose current value is <paramref name="target"/>:
    /// null when it may; NOT_FOUND for a live key seen by a test key; else what the target holds that the caller lacks.
    /// </summary>
    public static Problem? MayActOn(Caller caller, ApiKeyCredentialEntity target) =>
        !IsVisibleTo(caller, target) ? LiveApiKeys.NotFound() : Escalation(caller, target.ScopeList);

    /// <summary>A key may only name, or act on a key holding, scopes it has itself.</summary>
    public static Problem? Escalation(Caller caller, IReadOnlyList<string> scopes) =>
        caller.IsSession ? null : scopes.FirstOrDefault(scope => !caller.HasScope(scope)) is { } missing ? Problems.ScopeRequired(missing) : null;

    /// <summary>
    /// A key may not give a key a life longer than its own (an expiring key must name an expiry when it creates
    /// one, no later than its own) or more requests a minute than it may make.
    /// </summary>
    public static Problem? OutlivesOrOutranks(Caller caller, DateTimeOffset? expiresAt, int? rateLimitPerMinute, bool expiryRequired)
    {
        if (caller.IsSession)
        {
            return null;
        }

        if (caller.ExpiresAt is { } ownExpiry && (expiresAt is { } requested ? requested > ownExpiry : expiryRequired))
        {
            return ApiKeyProblems.KeyLimitsExceeded($"This API key expires at {BkmarkJson.FormatTime(ownExpiry)}; a key it creates or changes must expire no later than that.");
        }

        if (caller.RateLimitPerMinute is { } ownLimit && rateLimitPerMinute > ownLimit)
        {
            return ApiKeyProblems.KeyLimitsExceeded($"This API key may make {ownLimit} requests a minute; a key it creates or changes may not be given more.");
        }

        return null;
    }
}

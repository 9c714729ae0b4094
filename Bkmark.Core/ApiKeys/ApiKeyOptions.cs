using System.ComponentModel.DataAnnotations;
using Bkmark.Core.Accounts;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Plan limits for API keys. Settings: <c>ApiKeys__ProMaxActiveKeys</c>, <c>ApiKeys__TeamRateLimitPerMinute</c>, …
/// A key's <c>rateLimitPerMinute</c> defaults to its plan's value and may be set lower, never higher.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string Section = "ApiKeys";

    [Range(1, 1000)]
    public int ProMaxActiveKeys { get; set; } = 10;

    [Range(1, 1000)]
    public int TeamMaxActiveKeys { get; set; } = 50;

    [Range(1, 100_000)]
    public int ProRateLimitPerMinute { get; set; } = 60;

    [Range(1, 100_000)]
    public int TeamRateLimitPerMinute { get; set; } = 300;

    /// <summary>
    /// How long a create may take between reserving a slot and writing the key. A reservation (or an
    /// index entry without its credential) older than this is the trace of a crash and is repaired.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan CreateGracePeriod { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Revoked and expired keys are kept this many days (answering TOKEN_REVOKED / TOKEN_EXPIRED), then
    /// the sweep deletes them and they are unknown (INVALID_TOKEN).
    /// </summary>
    [Range(0, 3650)]
    public int RetentionDays { get; set; } = 30;

    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);

    /// <summary>
    /// How often an instance writes the per-key usage counts that no lease write carried (DESIGN §18); they are also
    /// written when the host stops.
    /// </summary>
    [Range(1, 3600)]
    public int UsageFlushSeconds { get; set; } = 60;

    /// <summary>
    /// How far ahead a key's <c>expiresAt</c> may be (DESIGN §7: every accepted date is bounded), so that the
    /// expiry plus retention and the sweep's buckets stay far inside what a date can hold.
    /// </summary>
    [Range(1, 100)]
    public int MaxExpiryYears { get; set; } = 5;

    /// <summary>The plan's limits; null for a plan without API access (free).</summary>
    public PlanKeyLimits? LimitsFor(string plan) => plan switch
    {
        Plans.Pro => new PlanKeyLimits(ProMaxActiveKeys, ProRateLimitPerMinute),
        Plans.Team => new PlanKeyLimits(TeamMaxActiveKeys, TeamRateLimitPerMinute),
        _ => null,
    };
}

/// <param name="MaxActiveKeys">Keys that are neither revoked nor expired.</param>
/// <param name="RateLimitPerMinute">The default, and the maximum a key may be given.</param>
public sealed record PlanKeyLimits(int MaxActiveKeys, int RateLimitPerMinute);

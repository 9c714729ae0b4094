using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.PublishableKeys;

/// <summary>Settings <c>PublishableKeys__RateLimitPerMinute</c>, <c>PublishableKeys__MaxGroups</c>, <c>PublishableKeys__MaxOrigins</c>.</summary>
public sealed class PublishableKeyOptions
{
    public const string Section = "PublishableKeys";

    /// <summary>Requests a minute one client address may make with one key (the key is public, so the address is what tells callers apart).</summary>
    [Range(1, 100_000)]
    public int RateLimitPerMinute { get; set; } = 60;

    [Range(1, 100)]
    public int MaxGroups { get; set; } = 20;

    [Range(1, 100)]
    public int MaxOrigins { get; set; } = 10;

    /// <summary>How long a browser may cache a preflight's answer (<c>Access-Control-Max-Age</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "02:00:00")]
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);
}

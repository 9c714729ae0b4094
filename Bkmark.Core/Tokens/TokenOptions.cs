using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Tokens;

/// <summary>Token and session lifetimes. Settings: <c>Tokens__Issuer</c>, <c>Tokens__AccessTokenLifetime</c>, …</summary>
public sealed class TokenOptions
{
    public const string Section = "Tokens";

    [Required]
    public string Issuer { get; set; } = "https://api.bkmark.it";

    [Required]
    public string Audience { get; set; } = "https://api.bkmark.it";

    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>After this, a session cannot be refreshed however active it is.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "365.00:00:00")]
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long an already-rotated refresh token is refused without revoking the session: two tabs
    /// refreshing at once. Past it, a reused token means theft and ends the session.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Clock skew tolerated on <c>nbf</c> (another instance's clock may be behind). Deliberately seconds,
    /// not .NET's default 5 minutes; expiry gets none, so 15 minutes stay 15 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(5);
}

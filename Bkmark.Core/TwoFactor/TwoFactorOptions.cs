using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.TwoFactor;

/// <summary>
/// Two-factor settings (section <c>TwoFactor</c>, e.g. <c>TwoFactor__MaxFailedAttempts</c>). The TOTP
/// parameters themselves are fixed (<see cref="TotpCalculator.Default"/>): authenticator apps expect them.
/// </summary>
public sealed class TwoFactorOptions
{
    public const string Section = "TwoFactor";

    /// <summary>The issuer shown in authenticator apps and written into the <c>otpauth://</c> URI.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9 ._-]{1,40}$")]
    public string Issuer { get; set; } = "Bkmark";

    /// <summary>Failed code checks (wrong, replayed or spent) per user before a lock-out.</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>The window failures are counted in, and how long the lock-out lasts.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);
}

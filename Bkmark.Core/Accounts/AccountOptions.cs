using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Accounts;

/// <summary>
/// Sign-in settings: <c>Accounts__LoginMaxFailures</c>, <c>Accounts__LoginLockout</c>, <c>Accounts__PasswordHashIterations</c>.
/// </summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    /// <summary>OWASP's Password Storage Cheat Sheet count for PBKDF2-HMAC-SHA512, the algorithm of Identity's v3 hashes.</summary>
    public const int OwaspPbkdf2Sha512Iterations = 210_000;

    /// <summary>Failed passwords per counter (an account's unknown devices, or one known device) before a lock-out.</summary>
    [Range(1, 100)]
    public int LoginMaxFailures { get; set; } = 5;

    /// <summary>The window failures are counted in, and how long the lock-out lasts once reached.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LoginLockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// PBKDF2-HMAC-SHA512 iterations for new password hashes. A sign-in whose stored hash used fewer is
    /// rehashed at this count. Lower it only where the cost is not the point (the test fixtures do).
    /// </summary>
    [Range(1_000, 10_000_000)]
    public int PasswordHashIterations { get; set; } = OwaspPbkdf2Sha512Iterations;
}

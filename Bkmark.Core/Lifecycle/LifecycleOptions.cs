using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Lifecycle;

/// <summary>
/// The account lifecycle's links and limits: <c>Lifecycle__PasswordResetLifetime</c>, <c>Lifecycle__LinkMaxFailures</c>, ….
/// </summary>
public sealed class LifecycleOptions
{
    public const string Section = "Lifecycle";

    /// <summary>How long a link to confirm the account's email works.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan EmailVerificationLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a password-reset link works (DESIGN.md §9: 30 minutes).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a link to confirm a new email address works: at most a day (DESIGN.md §14, the unexpired email change attack).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan EmailChangeLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Links presented from one client address that were not usable, before that address is locked out for <see cref="LinkLockout"/>.</summary>
    [Range(1, 1000)]
    public int LinkMaxFailures { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LinkLockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Link emails (verification, password reset) per account or address an hour: no mailbox can be flooded through us.</summary>
    [Range(1, 100)]
    public int LinkEmailsPerHour { get; set; } = 5;

    /// <summary>Library rows a sweep erases of one deleted account per run; a larger library takes several runs.</summary>
    [Range(100, 100_000)]
    public int EraseBatchSize { get; set; } = 2_000;
}

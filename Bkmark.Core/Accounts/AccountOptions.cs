using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Accounts;

/// <summary>Sign-in throttling. Settings: <c>Accounts__LoginMaxFailures</c>, <c>Accounts__LoginLockout</c>.</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    [Range(1, 100)]
    public int LoginMaxFailures { get; set; } = 5;

    /// <summary>The window failures are counted in, and how long the lock-out lasts once reached.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LoginLockout { get; set; } = TimeSpan.FromMinutes(15);
}

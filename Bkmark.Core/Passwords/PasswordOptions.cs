using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Passwords;

/// <summary>
/// New-password checks (DESIGN.md §17): <c>Passwords__BreachRangeUrl</c> (the Pwned Passwords range API, or a
/// mirror in its format; the 5-character hash prefix is appended) and <c>Passwords__BreachCheckTimeout</c>.
/// </summary>
public sealed class PasswordOptions
{
    public const string Section = "Passwords";

    public const string DefaultBreachRangeUrl = "https://api.pwnedpasswords.com/range/";

    /// <summary>Where <c>GET {BreachRangeUrl}{first 5 hex of the SHA-1}</c> answers <c>SUFFIX:COUNT</c> lines.</summary>
    [Required]
    [Url]
    public string BreachRangeUrl { get; set; } = DefaultBreachRangeUrl;

    /// <summary>How long a range request may take before the check gives up and lets the password through (fail open).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan BreachCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

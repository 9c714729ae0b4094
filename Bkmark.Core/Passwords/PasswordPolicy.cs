using Bkmark.Core.Throttling;

namespace Bkmark.Core.Passwords;

/// <summary>
/// What a new password must be (DESIGN.md §17), checked the same way at registration, change and reset: 8 to 256
/// characters, a zxcvbn score of at least 3 given the person's email and name (<c>PASSWORD_TOO_WEAK</c>), and not in
/// a known breach (<c>PASSWORD_BREACHED</c>). Passwords set before these rules keep working; sign-in only flags a
/// breached one.
/// </summary>
public sealed class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 256;

    private readonly PasswordStrength strength;
    private readonly BreachedPasswords breaches;
    private readonly AttemptThrottle throttle;

    // The meter is anonymous and zxcvbn costs CPU: each address gets this many verdicts a minute.
    private readonly ThrottlePolicy meterPolicy = new("password-strength", MaxMeterChecksPerMinute, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

    // Internal because it takes Core's internal throttle; registered with AddServiceWithInternalConstructor.
    internal PasswordPolicy(PasswordStrength strength, BreachedPasswords breaches, AttemptThrottle throttle)
    {
        this.strength = strength;
        this.breaches = breaches;
        this.throttle = throttle;
    }

    /// <summary>How many verdicts <see cref="MeterAsync"/> gives one address a minute.</summary>
    public const int MaxMeterChecksPerMinute = 60;

    /// <summary>What a new password must be, as a validation message names it.</summary>
    public static string LengthRule { get; } = $"The password must be {MinLength} to {MaxLength} characters.";

    /// <summary>The length rule alone: checked with a request's other fields, before anything costs more.</summary>
    public static bool HasAcceptableLength(string? password) => password is { Length: >= MinLength and <= MaxLength };

    /// <summary>
    /// <c>POST /auth/password-strength</c>: zxcvbn's verdict while a person types a new password, for the page's meter.
    /// Anonymous, so each client address is limited (<see cref="MaxMeterChecksPerMinute"/>), every check counted
    /// before it runs; no breach lookup (the meter would be a free proxy to the range API).
    /// </summary>
    public async Task<Result<PasswordVerdict>> MeterAsync(
        string? password, string? email, string? displayName, string? clientIp, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(password) || password.Length > MaxLength)
        {
            return Problems.Validation("password", $"The password to rate is required, at most {MaxLength} characters.");
        }

        // The address's hash, so the throttle table holds no addresses.
        var subject = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clientIp ?? "unknown")));
        var claim = await throttle.ClaimAsync(meterPolicy, subject, cancellationToken);
        if (claim.RetryAfter is { } retryAfter)
        {
            return Problems.TooManyAttempts(retryAfter);
        }

        var verdict = Evaluate(password, email, displayName);
        return HasAcceptableLength(password) ? verdict : verdict with { Acceptable = false };
    }

    private PasswordVerdict Evaluate(string password, string? email, string? displayName) =>
        strength.Evaluate(password, [email, displayName]);

    /// <summary>
    /// Checks a new password of acceptable length (see <see cref="HasAcceptableLength"/>) for strength, then breaches;
    /// a problem names <paramref name="field"/>, the request's field (<c>password</c>, <c>newPassword</c>).
    /// </summary>
    /// <returns>Null when the password may be set; else 400 <c>PASSWORD_TOO_WEAK</c> or <c>PASSWORD_BREACHED</c>.</returns>
    public async Task<Problem?> CheckNewAsync(string field, string password, string? email, string? displayName, CancellationToken cancellationToken)
    {
        var verdict = Evaluate(password, email, displayName);
        if (!verdict.Acceptable)
        {
            return TooWeak(field, verdict);
        }

        return await breaches.IsBreachedAsync(password, cancellationToken)
            ? new Problem(ErrorCodes.PasswordBreached, "This password has appeared in a data breach, so attackers try it first. Choose another.")
            {
                Errors = new Dictionary<string, string[]> { [field] = ["This password is in a list of breached passwords."] },
            }
            : null;
    }

    /// <summary>Whether a password that was just proved right is in a known breach (fail open: false when unknown).</summary>
    public Task<bool> IsBreachedAsync(string password, CancellationToken cancellationToken) => breaches.IsBreachedAsync(password, cancellationToken);

    private static Problem TooWeak(string field, PasswordVerdict verdict)
    {
        var messages = new List<string> { verdict.Warning ?? "This password is too easy to guess." };
        messages.AddRange(verdict.Suggestions);
        return new Problem(ErrorCodes.PasswordTooWeak, "This password is too easy to guess. " + string.Join(" ", messages))
        {
            Errors = new Dictionary<string, string[]> { [field] = [.. messages] },
            Extensions = new Dictionary<string, object?>
            {
                ["score"] = verdict.Score,
                ["warning"] = verdict.Warning,
                ["suggestions"] = verdict.Suggestions,
            },
        };
    }
}

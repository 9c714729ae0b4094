using OtpNet;

namespace Bkmark.Core.TwoFactor;

/// <summary>
/// RFC 6238 time-based codes over Otp.NET, with a strict format check in front of the library
/// (Otp.NET compares strings and would not, by itself, refuse every odd input we must refuse).
/// The service uses <see cref="Default"/>; the algorithm and length are parameters so the RFC test
/// vectors run through this same class.
/// </summary>
public sealed class TotpCalculator
{
    /// <summary>What authenticator apps expect and DESIGN.md fixes: HMAC-SHA-1, 6 digits, 30-second steps.</summary>
    public static TotpCalculator Default { get; } = new(OtpHashMode.Sha1, digits: 6, periodSeconds: 30);

    // RFC 6238 §5.2: allow one step of clock drift either way, no more.
    private static readonly VerificationWindow Window = new(previous: 1, future: 1);

    public TotpCalculator(OtpHashMode algorithm, int digits, int periodSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(periodSeconds, 1);
        Algorithm = algorithm;
        Digits = digits;
        PeriodSeconds = periodSeconds;
    }

    public OtpHashMode Algorithm { get; }

    public int Digits { get; }

    public int PeriodSeconds { get; }

    /// <summary>The code for the time step containing <paramref name="time"/>.</summary>
    public string Compute(byte[] key, DateTimeOffset time) => Create(key).ComputeTotp(time.UtcDateTime);

    /// <summary>RFC 6238 §4.2: T = floor((unix time − T0) / X), with T0 = 0.</summary>
    public long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / PeriodSeconds;

    /// <summary>
    /// Matches <paramref name="code"/> against the steps around <paramref name="now"/> (±1).
    /// A code that is not exactly <see cref="Digits"/> ASCII digits never matches. On a match,
    /// <paramref name="step"/> is the matched time step, for replay protection.
    /// </summary>
    public bool TryMatch(byte[] key, string? code, DateTimeOffset now, out long step)
    {
        step = 0;
        if (!IsWellFormed(code))
        {
            return false;
        }

        // Otp.NET compares in constant time.
        return Create(key).VerifyTotp(now.UtcDateTime, code, out step, Window);
    }

    /// <summary>Exactly <see cref="Digits"/> ASCII digits: no sign, no spaces, no other scripts' digits.</summary>
    public bool IsWellFormed(string? code) => code is not null && code.Length == Digits && code.All(char.IsAsciiDigit);

    private Totp Create(byte[] key) => new(key, PeriodSeconds, Algorithm, Digits);
}

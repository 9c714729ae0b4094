using Bkmark.Core.TwoFactor;
using OtpNet;

namespace Bkmark.Tests.TwoFactor;

/// <summary>The RFC vectors and the format rules, through the calculator the service uses.</summary>
public sealed class TotpCalculatorTests
{
    private static readonly byte[] Sha1Seed = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Sha256Seed = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Sha512Seed = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 10, TimeSpan.Zero);

    // RFC 6238 Appendix B: 8 digits, 30-second steps, T0 = 0.
    [Theory]
    [InlineData(59L, "SHA1", "94287082")]
    [InlineData(59L, "SHA256", "46119246")]
    [InlineData(59L, "SHA512", "90693936")]
    [InlineData(1111111109L, "SHA1", "07081804")]
    [InlineData(1111111109L, "SHA256", "68084774")]
    [InlineData(1111111109L, "SHA512", "25091201")]
    [InlineData(1111111111L, "SHA1", "14050471")]
    [InlineData(1111111111L, "SHA256", "67062674")]
    [InlineData(1111111111L, "SHA512", "99943326")]
    [InlineData(1234567890L, "SHA1", "89005924")]
    [InlineData(1234567890L, "SHA256", "91819424")]
    [InlineData(1234567890L, "SHA512", "93441116")]
    [InlineData(2000000000L, "SHA1", "69279037")]
    [InlineData(2000000000L, "SHA256", "90698825")]
    [InlineData(2000000000L, "SHA512", "38618901")]
    [InlineData(20000000000L, "SHA1", "65353130")]
    [InlineData(20000000000L, "SHA256", "77737706")]
    [InlineData(20000000000L, "SHA512", "47863826")]
    public void Compute_MatchesRfc6238AppendixB(long unixTime, string algorithm, string expected)
    {
        // Arrange
        var (mode, seed) = algorithm switch
        {
            "SHA1" => (OtpHashMode.Sha1, Sha1Seed),
            "SHA256" => (OtpHashMode.Sha256, Sha256Seed),
            _ => (OtpHashMode.Sha512, Sha512Seed),
        };
        var calculator = new TotpCalculator(mode, digits: 8, periodSeconds: 30);
        var time = DateTimeOffset.FromUnixTimeSeconds(unixTime);

        // Act
        var code = calculator.Compute(seed, time);
        var matched = calculator.TryMatch(seed, expected, time, out var step);

        // Assert
        Assert.Equal(expected, code);
        Assert.True(matched);
        Assert.Equal(unixTime / 30, step);
    }

    // RFC 4226 Appendix D: HOTP values for counters 0-9. TOTP is HOTP with counter = time step, so
    // counter c is the step starting at c × 30 seconds, and the service's 6-digit SHA-1 calculator must produce them.
    [Theory]
    [InlineData(0, "755224")]
    [InlineData(1, "287082")]
    [InlineData(2, "359152")]
    [InlineData(3, "969429")]
    [InlineData(4, "338314")]
    [InlineData(5, "254676")]
    [InlineData(6, "287922")]
    [InlineData(7, "162583")]
    [InlineData(8, "399871")]
    [InlineData(9, "520489")]
    public void Default_MatchesRfc4226AppendixD(long counter, string expected)
    {
        // Arrange
        var time = DateTimeOffset.FromUnixTimeSeconds(counter * 30);

        // Act
        var code = TotpCalculator.Default.Compute(Sha1Seed, time);
        var matched = TotpCalculator.Default.TryMatch(Sha1Seed, expected, time, out var step);

        // Assert
        Assert.Equal(expected, code);
        Assert.True(matched);
        Assert.Equal(counter, step);
    }

    [Fact]
    public void Default_IsSha1SixDigitsThirtySeconds()
    {
        Assert.Equal(OtpHashMode.Sha1, TotpCalculator.Default.Algorithm);
        Assert.Equal(6, TotpCalculator.Default.Digits);
        Assert.Equal(30, TotpCalculator.Default.PeriodSeconds);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void TryMatch_Accepts_WhenCodeIsWithinOneStep(int offset)
    {
        // Arrange
        var code = TotpCalculator.Default.Compute(Sha1Seed, Now.AddSeconds(30 * offset));

        // Act
        var matched = TotpCalculator.Default.TryMatch(Sha1Seed, code, Now, out var step);

        // Assert
        Assert.True(matched);
        Assert.Equal(TotpCalculator.Default.StepAt(Now) + offset, step);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(2)]
    public void TryMatch_Refuses_WhenCodeIsTwoStepsAway(int offset)
    {
        // Arrange
        var code = TotpCalculator.Default.Compute(Sha1Seed, Now.AddSeconds(30 * offset));

        // Act
        var matched = TotpCalculator.Default.TryMatch(Sha1Seed, code, Now, out _);

        // Assert
        Assert.False(matched);
    }

    [Theory]
    [InlineData(" {0}")]
    [InlineData("{0} ")]
    [InlineData("+{0}")]
    [InlineData("{0}0")]
    [InlineData("0{0}")]
    public void TryMatch_Refuses_WhenCorrectCodeIsWrappedInOtherCharacters(string pattern)
    {
        // Arrange
        var code = TotpCalculator.Default.Compute(Sha1Seed, Now);
        var presented = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, code);

        // Act
        var matched = TotpCalculator.Default.TryMatch(Sha1Seed, presented, Now, out _);

        // Assert
        Assert.False(matched);
        Assert.True(TotpCalculator.Default.TryMatch(Sha1Seed, code, Now, out _));
    }

    [Theory]
    [InlineData('\u0660')] // ARABIC-INDIC DIGIT ZERO
    [InlineData('\u0966')] // DEVANAGARI DIGIT ZERO
    [InlineData('\uFF10')] // FULLWIDTH DIGIT ZERO
    public void TryMatch_Refuses_WhenCodeUsesNonAsciiDigits(char zero)
    {
        // Arrange: the correct code, each digit written in another script.
        var code = TotpCalculator.Default.Compute(Sha1Seed, Now);
        var foreign = new string(code.Select(c => (char)(zero + (c - '0'))).ToArray());

        // Act
        var matched = TotpCalculator.Default.TryMatch(Sha1Seed, foreign, Now, out _);

        // Assert
        Assert.False(TotpCalculator.Default.IsWellFormed(foreign));
        Assert.False(matched);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12 456")]
    [InlineData("-12345")]
    [InlineData("12345a")]
    public void IsWellFormed_IsFalse_WhenNotExactlySixAsciiDigits(string? code) =>
        Assert.False(TotpCalculator.Default.IsWellFormed(code));

    [Fact]
    public void StepAt_CountsThirtySecondStepsFromTheEpoch() =>
        Assert.Equal(1234567890L / 30, TotpCalculator.Default.StepAt(DateTimeOffset.FromUnixTimeSeconds(1234567890)));
}

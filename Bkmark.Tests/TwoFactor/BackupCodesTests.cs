using Bkmark.Core.TwoFactor;

namespace Bkmark.Tests.TwoFactor;

public sealed class BackupCodesTests
{
    [Fact]
    public void Generate_ReturnsEightDistinctCodesInDisplayFormat()
    {
        // Act
        var codes = BackupCodes.Generate();

        // Assert
        Assert.Equal(8, codes.Length);
        Assert.Equal(8, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches("^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$", code));
    }

    [Fact]
    public void Generate_NeverUsesLookAlikeCharacters()
    {
        // Act: enough codes that every symbol of the alphabet turns up.
        var symbols = Enumerable.Range(0, 50).SelectMany(_ => BackupCodes.Generate()).SelectMany(c => c.Replace("-", "")).ToHashSet();

        // Assert
        Assert.DoesNotContain('0', symbols);
        Assert.DoesNotContain('o', symbols);
        Assert.DoesNotContain('1', symbols);
        Assert.DoesNotContain('i', symbols);
        Assert.DoesNotContain('l', symbols);
        Assert.Equal(BackupCodes.Alphabet.Length, symbols.Count);
    }

    [Theory]
    [InlineData("abcde-fghjk")]
    [InlineData("abcdefghjk")]
    [InlineData("ABCDE-FGHJK")]
    [InlineData("AbCdEfGhJk")]
    public void Normalize_AcceptsDashlessAndAnyCase(string input) =>
        Assert.Equal("abcdefghjk", BackupCodes.Normalize(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abcd-efghjk")]
    [InlineData("abcde--fghjk")]
    [InlineData("abcde fghjk")]
    [InlineData("abcde-fghj")]
    [InlineData("abcde-fghjkm")]
    [InlineData("abcde-fgh0k")]
    [InlineData("abcde-fghik")]
    [InlineData("abcde-fgh\u212Ak")] // KELVIN SIGN lower-cases to 'k' in the invariant culture
    [InlineData("123456")]
    public void Normalize_ReturnsNull_WhenInputCannotBeABackupCode(string? input) =>
        Assert.Null(BackupCodes.Normalize(input));
}

using System.Security.Cryptography;
using Bkmark.Core.Secrets;
using Bkmark.Core.TwoFactor;

namespace Bkmark.Tests.TwoFactor;

public sealed class TotpSecretProtectorTests
{
    private readonly TotpSecretProtector protector = new(KeyRing.Generate());
    private readonly byte[] secret = RandomNumberGenerator.GetBytes(20);

    [Fact]
    public void Unprotect_ReturnsSecret_WhenSameUser()
    {
        // Act
        var sealedSecret = protector.Protect("user-a", secret);

        // Assert
        Assert.Equal(secret, protector.Unprotect("user-a", sealedSecret));
        Assert.DoesNotContain(Convert.ToBase64String(secret), sealedSecret, StringComparison.Ordinal);
    }

    [Fact]
    public void Protect_UsesAFreshNonceEachTime() =>
        Assert.NotEqual(protector.Protect("user-a", secret), protector.Protect("user-a", secret));

    [Fact]
    public void Unprotect_ReturnsNull_WhenCiphertextIsMovedToAnotherUser() =>
        Assert.Null(protector.Unprotect("user-b", protector.Protect("user-a", secret)));

    [Fact]
    public void Unprotect_ReturnsNull_WhenCiphertextIsAltered()
    {
        // Arrange
        var bytes = Convert.FromBase64String(protector.Protect("user-a", secret));
        bytes[20] ^= 0x01;

        // Act
        var result = protector.Unprotect("user-a", Convert.ToBase64String(bytes));

        // Assert
        Assert.Null(result);
    }

    [Fact]
    public void Unprotect_ReturnsNull_WhenKeyDiffers() =>
        Assert.Null(new TotpSecretProtector(KeyRing.Generate()).Unprotect("user-a", protector.Protect("user-a", secret)));

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AQ==")]
    public void Unprotect_ReturnsNull_WhenValueIsMalformed(string value) =>
        Assert.Null(protector.Unprotect("user-a", value));
}

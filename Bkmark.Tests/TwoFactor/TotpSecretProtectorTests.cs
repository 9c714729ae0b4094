using System.Security.Cryptography;
using Bkmark.Core.Secrets;
using Bkmark.Core.TwoFactor;

namespace Bkmark.Tests.TwoFactor;

public sealed class TotpSecretProtectorTests
{
    private readonly TotpSecretProtector _protector = new(KeyRing.Generate());
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(20);

    [Fact]
    public void Unprotect_ReturnsSecret_WhenSameUser()
    {
        // Act
        var sealedSecret = _protector.Protect("user-a", _secret);

        // Assert
        Assert.Equal(_secret, _protector.Unprotect("user-a", sealedSecret));
        Assert.DoesNotContain(Convert.ToBase64String(_secret), sealedSecret, StringComparison.Ordinal);
    }

    [Fact]
    public void Protect_UsesAFreshNonceEachTime() =>
        Assert.NotEqual(_protector.Protect("user-a", _secret), _protector.Protect("user-a", _secret));

    [Fact]
    public void Unprotect_ReturnsNull_WhenCiphertextIsMovedToAnotherUser() =>
        Assert.Null(_protector.Unprotect("user-b", _protector.Protect("user-a", _secret)));

    [Fact]
    public void Unprotect_ReturnsNull_WhenCiphertextIsAltered()
    {
        // Arrange
        var bytes = Convert.FromBase64String(_protector.Protect("user-a", _secret));
        bytes[20] ^= 0x01;

        // Act
        var result = _protector.Unprotect("user-a", Convert.ToBase64String(bytes));

        // Assert
        Assert.Null(result);
    }

    [Fact]
    public void Unprotect_ReturnsNull_WhenKeyDiffers() =>
        Assert.Null(new TotpSecretProtector(KeyRing.Generate()).Unprotect("user-a", _protector.Protect("user-a", _secret)));

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AQ==")]
    public void Unprotect_ReturnsNull_WhenValueIsMalformed(string value) =>
        Assert.Null(_protector.Unprotect("user-a", value));
}

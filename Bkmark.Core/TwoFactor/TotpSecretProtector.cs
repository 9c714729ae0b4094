using Bkmark.Core.Secrets;

namespace Bkmark.Core.TwoFactor;

/// <summary>
/// Encrypts TOTP secrets at rest with AES-256-GCM under <see cref="KeyRing.TotpEncryptionKey"/>.
/// The user id is the associated data, so a ciphertext copied onto another user's row does not decrypt.
/// Stored form: base64(version ‖ 96-bit nonce ‖ ciphertext ‖ 128-bit tag).
/// </summary>
public sealed class TotpSecretProtector(KeyRing keys)
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public string Protect(string userId, byte[] secret)
    {
        var sealedBytes = new byte[1 + NonceSize + secret.Length + TagSize];
        sealedBytes[0] = FormatVersion;
        var nonce = sealedBytes.AsSpan(1, NonceSize);
        var ciphertext = sealedBytes.AsSpan(1 + NonceSize, secret.Length);
        var tag = sealedBytes.AsSpan(1 + NonceSize + secret.Length, TagSize);
        RandomNumberGenerator.Fill(nonce);

        using var aes = new AesGcm(keys.TotpEncryptionKey, TagSize);
        aes.Encrypt(nonce, secret, ciphertext, tag, AssociatedData(userId));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The secret, or null when the stored value is malformed, tampered with, or belongs to another user.</summary>
    public byte[]? Unprotect(string userId, string protectedSecret)
    {
        var sealedBytes = new byte[protectedSecret.Length];
        if (!Convert.TryFromBase64String(protectedSecret, sealedBytes, out var length)
            || length <= 1 + NonceSize + TagSize
            || sealedBytes[0] != FormatVersion)
        {
            return null;
        }

        var span = sealedBytes.AsSpan(0, length);
        var ciphertext = span[(1 + NonceSize)..^TagSize];
        var secret = new byte[ciphertext.Length];
        using var aes = new AesGcm(keys.TotpEncryptionKey, TagSize);
        try
        {
            aes.Decrypt(span.Slice(1, NonceSize), ciphertext, span[^TagSize..], secret, AssociatedData(userId));
            return secret;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] AssociatedData(string userId) => Encoding.UTF8.GetBytes("bkmark/totp-secret/v1:" + userId);
}

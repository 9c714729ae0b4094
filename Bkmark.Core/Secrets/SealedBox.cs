namespace Bkmark.Core.Secrets;

/// <summary>
/// AES-256-GCM sealing, written once for every secret kept at rest (TOTP secrets, queued emails' links):
/// base64(version ‖ 96-bit random nonce ‖ ciphertext ‖ 128-bit tag). The associated data binds a sealed value
/// to what it belongs to (a user, a message), so a copy moved elsewhere does not open.
/// </summary>
public static class SealedBox
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static string Seal(byte[] key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var sealedBytes = new byte[1 + NonceSize + plaintext.Length + TagSize];
        sealedBytes[0] = FormatVersion;
        var nonce = sealedBytes.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);

        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(1 + NonceSize, plaintext.Length), sealedBytes.AsSpan(1 + NonceSize + plaintext.Length, TagSize), associatedData);
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The plaintext, or null when the value is malformed, tampered with, or sealed for other associated data or another key.</summary>
    public static byte[]? Open(byte[] key, string sealedValue, ReadOnlySpan<byte> associatedData)
    {
        ArgumentNullException.ThrowIfNull(sealedValue);
        var sealedBytes = new byte[sealedValue.Length];
        if (!Convert.TryFromBase64String(sealedValue, sealedBytes, out var length)
            || length <= 1 + NonceSize + TagSize
            || sealedBytes[0] != FormatVersion)
        {
            return null;
        }

        var span = sealedBytes.AsSpan(0, length);
        var ciphertext = span[(1 + NonceSize)..^TagSize];
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(span.Slice(1, NonceSize), ciphertext, span[^TagSize..], plaintext, associatedData);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}

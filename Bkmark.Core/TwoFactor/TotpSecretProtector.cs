using Bkmark.Core.Secrets;

namespace Bkmark.Core.TwoFactor;

/// <summary>
/// Encrypts TOTP secrets at rest with AES-256-GCM under <see cref="KeyRing.TotpEncryptionKey"/> (a <see cref="SealedBox"/>).
/// The user id is the associated data, so a ciphertext copied onto another user's row does not decrypt.
/// </summary>
public sealed class TotpSecretProtector(KeyRing keys)
{
    public string Protect(string userId, byte[] secret) => SealedBox.Seal(keys.TotpEncryptionKey, secret, AssociatedData(userId));

    /// <summary>The secret, or null when the stored value is malformed, tampered with, or belongs to another user.</summary>
    public byte[]? Unprotect(string userId, string protectedSecret) => SealedBox.Open(keys.TotpEncryptionKey, protectedSecret, AssociatedData(userId));

    private static byte[] AssociatedData(string userId) => Encoding.UTF8.GetBytes("bkmark/totp-secret/v1:" + userId);
}

namespace Bkmark.Core.Secrets;

/// <summary>Reads a named secret. Key Vault in Azure, configuration elsewhere.</summary>
public interface ISecretProvider
{
    /// <returns>The secret's value, or null when it does not exist.</returns>
    Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken);
}

/// <summary>The names of the secrets the service needs (valid Key Vault secret names).</summary>
public static class SecretNames
{
    /// <summary>ES256 signing key, PKCS#8 DER, base64.</summary>
    public const string JwtSigningKey = "jwt-signing-key";

    /// <summary>The previous signing key during a rotation (optional): its tokens still validate, JWKS still lists it.</summary>
    public const string JwtPreviousSigningKey = "jwt-signing-key-previous";

    /// <summary>32+ random bytes, base64: the HMAC key for hashing bearer secrets and backup codes.</summary>
    public const string CredentialPepper = "credential-pepper";

    /// <summary>32 random bytes, base64: the AES-256-GCM key that encrypts TOTP secrets at rest.</summary>
    public const string TotpEncryptionKey = "totp-encryption-key";

    /// <summary>32 random bytes, base64: the AES-256-GCM key that seals the secret values of queued emails (their links, DESIGN §14).</summary>
    public const string OutboxEncryptionKey = "email-outbox-key";

    public static IReadOnlyList<string> Required { get; } = [JwtSigningKey, CredentialPepper, TotpEncryptionKey, OutboxEncryptionKey];
}

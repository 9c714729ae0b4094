namespace Bkmark.Core.Secrets;

/// <summary>
/// The service's key material, loaded once at start-up from the <see cref="ISecretProvider"/>.
/// </summary>
public sealed class KeyRing
{
    public KeyRing(ECDsa signingKey, ECDsa? previousSigningKey, byte[] credentialPepper, byte[] totpEncryptionKey, byte[] outboxEncryptionKey)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        if (credentialPepper.Length < 32)
        {
            throw new ArgumentException("The credential pepper must be at least 32 bytes.", nameof(credentialPepper));
        }

        if (totpEncryptionKey.Length != 32)
        {
            throw new ArgumentException("The TOTP encryption key must be 32 bytes (AES-256).", nameof(totpEncryptionKey));
        }

        if (outboxEncryptionKey.Length != 32)
        {
            throw new ArgumentException("The email outbox encryption key must be 32 bytes (AES-256).", nameof(outboxEncryptionKey));
        }

        SigningKey = signingKey;
        PreviousSigningKey = previousSigningKey;
        CredentialPepper = credentialPepper;
        TotpEncryptionKey = totpEncryptionKey;
        OutboxEncryptionKey = outboxEncryptionKey;
    }

    public ECDsa SigningKey { get; }

    public ECDsa? PreviousSigningKey { get; }

    public byte[] CredentialPepper { get; }

    public byte[] TotpEncryptionKey { get; }

    /// <summary>Seals what a queued email must not carry in clear (its single-use link) until it is rendered.</summary>
    public byte[] OutboxEncryptionKey { get; }

    /// <summary>Fresh random keys: for tests and benchmarks.</summary>
    public static KeyRing Generate() => new(
        ECDsa.Create(ECCurve.NamedCurves.nistP256),
        null,
        RandomNumberGenerator.GetBytes(32),
        RandomNumberGenerator.GetBytes(32),
        RandomNumberGenerator.GetBytes(32));

    /// <summary>Reads every secret; a missing or malformed one stops start-up with a message naming it.</summary>
    public static async Task<KeyRing> LoadAsync(ISecretProvider provider, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        async Task<string?> Read(string name, bool required)
        {
            var value = await provider.GetSecretAsync(name, cancellationToken);
            if (value is null && required)
            {
                missing.Add(name);
            }

            return value;
        }

        var signing = await Read(SecretNames.JwtSigningKey, true);
        var previous = await Read(SecretNames.JwtPreviousSigningKey, false);
        var pepper = await Read(SecretNames.CredentialPepper, true);
        var totp = await Read(SecretNames.TotpEncryptionKey, true);
        var outbox = await Read(SecretNames.OutboxEncryptionKey, true);
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Missing secret(s): {string.Join(", ", missing)}. Set them in Key Vault (KeyVault__Uri) or as Secrets__<name> settings.");
        }

        return new KeyRing(
            ImportSigningKey(SecretNames.JwtSigningKey, signing!),
            previous is null ? null : ImportSigningKey(SecretNames.JwtPreviousSigningKey, previous),
            DecodeBase64(SecretNames.CredentialPepper, pepper!),
            DecodeBase64(SecretNames.TotpEncryptionKey, totp!),
            DecodeBase64(SecretNames.OutboxEncryptionKey, outbox!));
    }

    private static ECDsa ImportSigningKey(string name, string base64)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(DecodeBase64(name, base64), out _);
        }
        catch (CryptographicException)
        {
            throw new InvalidOperationException($"Secret '{name}' is not a PKCS#8 EC private key.");
        }

        if (key.KeySize != 256)
        {
            throw new InvalidOperationException($"Secret '{name}' must be a P-256 key for ES256.");
        }

        return key;
    }

    private static byte[] DecodeBase64(string name, string value)
    {
        try
        {
            return Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"Secret '{name}' is not valid base64.");
        }
    }
}

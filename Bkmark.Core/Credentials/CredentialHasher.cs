using Bkmark.Core.Secrets;

namespace Bkmark.Core.Credentials;

/// <summary>
/// How bearer secrets (API keys, refresh tokens, backup codes) are stored: never raw, only as
/// HMAC-SHA256 under a pepper kept in Key Vault, so a copy of the tables alone cannot test guesses.
/// </summary>
public sealed class CredentialHasher(KeyRing keys)
{
    /// <summary>HMAC-SHA256(pepper, secret) as 64 lower-case hex characters: the RowKey of a credential entity.</summary>
    public string Hash(string secret)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(keys.CredentialPepper, Encoding.UTF8.GetBytes(secret), mac);
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>
    /// The PartitionKey for a credential: SHA-256 of its public prefix (hex, 32 chars). The prefix is
    /// not secret; hashing it spreads credentials over partitions and keeps the raw prefix out of keys.
    /// </summary>
    public static string PartitionOf(string publicPrefix)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(publicPrefix), digest);
        return Convert.ToHexStringLower(digest[..16]);
    }

    /// <summary>
    /// The stored credential <paramref name="secret"/> names, by the hashed-prefix rule (DESIGN.md §3): one point read
    /// at (<see cref="PartitionOf"/> its public prefix, <see cref="Hash"/> of it), kept only when the stored hash
    /// matches in constant time; <see langword="null"/> when there is none.
    /// </summary>
    public async Task<T?> FindAsync<T>(
        string secret, string publicPrefix, Func<string, string, CancellationToken, Task<T?>> pointRead, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        ArgumentNullException.ThrowIfNull(pointRead);
        var rowKey = Hash(secret);
        var stored = await pointRead(PartitionOf(publicPrefix), rowKey, cancellationToken);
        return stored is not null && HashesEqual(stored.RowKey, rowKey) ? stored : null;
    }

    /// <summary>Constant-time equality of two hex hashes.</summary>
    public static bool HashesEqual(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual));
}

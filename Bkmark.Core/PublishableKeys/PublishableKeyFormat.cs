namespace Bkmark.Core.PublishableKeys;

/// <summary>
/// Publishable keys: <c>bk_pub_</c> + 32 lower-case hex characters (16 bytes from the CSPRNG; the format is
/// <see cref="HexSecretFormat"/>'s). Not secret, but unguessable, so nobody can read a public group without a key
/// its owner handed out.
/// </summary>
public static class PublishableKeyFormat
{
    public const string Prefix = "bk_pub_";

    private static readonly HexSecretFormat Format = new(Prefix, randomBytes: 16);

    /// <summary><c>bk_pub_</c> and 8 hex: what logs name and what is hashed into the credential's partition.</summary>
    public const int KeyPrefixLength = 15;

    public static string Generate() => Format.Generate();

    public static bool IsWellFormed(string? key) => Format.IsWellFormed(key);

    public static string KeyPrefixOf(string key) => key[..KeyPrefixLength];
}

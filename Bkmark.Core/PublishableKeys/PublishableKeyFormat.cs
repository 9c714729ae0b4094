using System.Buffers;

namespace Bkmark.Core.PublishableKeys;

/// <summary>
/// Publishable keys: <c>bk_pub_</c> + 32 lower-case hex characters (16 bytes from the CSPRNG). Not secret, but
/// unguessable, so nobody can read a public group without a key its owner handed out.
/// </summary>
public static class PublishableKeyFormat
{
    public const string Prefix = "bk_pub_";
    private const int RandomBytes = 16;

    /// <summary><c>bk_pub_</c> and 8 hex: what logs name and what is hashed into the credential's partition.</summary>
    public const int KeyPrefixLength = 15;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Convert.ToHexStringLower(bytes);
    }

    public static bool IsWellFormed(string? key) =>
        key is not null
        && key.Length == Prefix.Length + RandomBytes * 2
        && key.StartsWith(Prefix, StringComparison.Ordinal)
        && !key.AsSpan(Prefix.Length).ContainsAnyExcept(LowerHex);

    public static string KeyPrefixOf(string key) => key[..KeyPrefixLength];
}

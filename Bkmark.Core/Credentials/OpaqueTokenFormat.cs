using System.Buffers;
using System.Buffers.Text;

namespace Bkmark.Core.Credentials;

/// <summary>
/// Opaque bearer secrets: a fixed prefix naming what they are (<c>bkr_</c>, <c>bkl_</c>) + 43 base64url
/// characters (256 bits from the CSPRNG). Stored by the hashed-prefix rule of DESIGN.md §3: the public
/// prefix chooses the partition, the HMAC of the whole secret is the row.
/// </summary>
public sealed class OpaqueTokenFormat(string prefix)
{
    private const int RandomBytes = 32;
    private const int EncodedLength = 43;

    /// <summary>How many characters after the prefix are public: enough to spread partitions, far too few to guess the rest.</summary>
    private const int PublicCharacters = 8;

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public string Prefix => prefix;

    public string Generate()
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(bytes);
        return prefix + Base64Url.EncodeToString(bytes);
    }

    /// <summary>The non-secret part that chooses the partition: the prefix and 8 characters; false when the token is malformed.</summary>
    public bool TryGetPublicPrefix(string? token, out string publicPrefix)
    {
        publicPrefix = "";
        if (token is null || token.Length != prefix.Length + EncodedLength || !token.StartsWith(prefix, StringComparison.Ordinal)
            || token.AsSpan(prefix.Length).ContainsAnyExcept(Base64UrlAlphabet))
        {
            return false;
        }

        publicPrefix = token[..(prefix.Length + PublicCharacters)];
        return true;
    }
}

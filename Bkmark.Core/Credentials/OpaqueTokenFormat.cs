using System.Buffers;
using System.Buffers.Text;

namespace Bkmark.Core.Credentials;

/// <summary>
/// Opaque bearer secrets: a fixed prefix naming what they are (<c>bkr_</c>, <c>bkl_</c>) + 43 base64url
/// characters (256 bits from the CSPRNG).
/// </summary>
public sealed class OpaqueTokenFormat(string prefix) : ISecretFormat
{
    private const int RandomBytes = 32;
    private const int EncodedLength = 43;

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public string Prefix => prefix;

    public string Generate()
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(bytes);
        return prefix + Base64Url.EncodeToString(bytes);
    }

    /// <summary>The prefix and 8 characters; false when the token is malformed.</summary>
    public bool TryGetPublicPrefix(string? secret, out string publicPrefix)
    {
        publicPrefix = "";
        if (secret is null || secret.Length != prefix.Length + EncodedLength || !secret.StartsWith(prefix, StringComparison.Ordinal)
            || secret.AsSpan(prefix.Length).ContainsAnyExcept(Base64UrlAlphabet))
        {
            return false;
        }

        publicPrefix = secret[..(prefix.Length + HexSecretFormat.PublicCharacters)];
        return true;
    }
}

using System.Buffers.Text;
using System.Security.Cryptography;

namespace Bkmark.Core.Sessions;

/// <summary>Refresh tokens: <c>bkr_</c> + 43 base64url characters (256 bits from the CSPRNG).</summary>
public static class RefreshTokenFormat
{
    public const string Prefix = "bkr_";
    private const int RandomBytes = 32;
    private const int EncodedLength = 43;

    /// <summary>The non-secret part that chooses the partition: the prefix and 8 characters.</summary>
    private const int PublicPrefixLength = 12;

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Base64Url.EncodeToString(bytes);
    }

    public static bool TryGetPublicPrefix(string? token, out string publicPrefix)
    {
        publicPrefix = "";
        if (token is null || token.Length != Prefix.Length + EncodedLength || !token.StartsWith(Prefix, StringComparison.Ordinal)
            || token.AsSpan(Prefix.Length).ContainsAnyExcept(Base64UrlAlphabet))
        {
            return false;
        }

        publicPrefix = token[..PublicPrefixLength];
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}

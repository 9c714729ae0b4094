using System.Buffers;
using System.Security.Cryptography;

namespace Bkmark.Core.ApiKeys;

/// <summary>API keys: <c>bk_</c> + 32 lower-case hex characters (16 bytes from the CSPRNG).</summary>
public static class ApiKeyFormat
{
    public const string Prefix = "bk_";
    private const int RandomBytes = 16;
    private const int Length = 35;

    /// <summary>The non-secret part shown in lists and logs, and hashed into the credential's partition.</summary>
    public const int KeyPrefixLength = 11;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Convert.ToHexStringLower(bytes);
    }

    public static bool IsWellFormed(string? key) =>
        key is { Length: Length }
        && key.StartsWith(Prefix, StringComparison.Ordinal)
        && !key.AsSpan(Prefix.Length).ContainsAnyExcept(LowerHex);

    /// <summary>The first 11 characters, e.g. <c>bk_a1b2c3d4</c>; the only part of a key that is ever stored or logged.</summary>
    public static string KeyPrefixOf(string key) => key[..KeyPrefixLength];
}

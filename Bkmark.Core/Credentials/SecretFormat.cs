using System.Buffers;

namespace Bkmark.Core.Credentials;

/// <summary>
/// How one kind of bearer secret looks: a fixed prefix naming what it is, then random characters from the CSPRNG.
/// Every secret is stored by the hashed-prefix rule of DESIGN.md §3: its public prefix (the fixed prefix and the
/// first 8 random characters) chooses the partition, the HMAC of the whole secret is the row.
/// </summary>
public interface ISecretFormat
{
    /// <summary>The fixed prefix, e.g. <c>bkl_</c>.</summary>
    string Prefix { get; }

    /// <summary>A new secret of this format.</summary>
    string Generate();

    /// <summary>The non-secret part that chooses the partition; false when <paramref name="secret"/> is not of this format.</summary>
    bool TryGetPublicPrefix(string? secret, out string publicPrefix);
}

/// <summary>
/// Secrets of a prefix + lower-case hex (API keys <c>bk_</c>, test keys <c>bk_test_</c>, publishable keys
/// <c>bk_pub_</c>, invitations <c>inv_</c>): <paramref name="randomBytes"/> from the CSPRNG, and a public prefix of
/// the fixed prefix and 8 hex characters.
/// </summary>
public sealed class HexSecretFormat(string prefix, int randomBytes) : ISecretFormat
{
    /// <summary>Random characters after the prefix that are public: enough to spread partitions, far too few to guess the rest.</summary>
    public const int PublicCharacters = 8;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    public string Prefix => prefix;

    /// <summary>How long the public prefix is: what lists and logs show (<c>keyPrefix</c>).</summary>
    public int PublicPrefixLength => prefix.Length + PublicCharacters;

    public string Generate()
    {
        Span<byte> bytes = stackalloc byte[randomBytes];
        RandomNumberGenerator.Fill(bytes);
        return prefix + Convert.ToHexStringLower(bytes);
    }

    public bool IsWellFormed(string? secret) =>
        secret is not null
        && secret.Length == prefix.Length + (randomBytes * 2)
        && secret.StartsWith(prefix, StringComparison.Ordinal)
        && !secret.AsSpan(prefix.Length).ContainsAnyExcept(LowerHex);

    public bool TryGetPublicPrefix(string? secret, out string publicPrefix)
    {
        publicPrefix = IsWellFormed(secret) ? secret![..PublicPrefixLength] : "";
        return publicPrefix.Length > 0;
    }
}

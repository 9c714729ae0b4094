namespace Bkmark.Core.Sessions;

/// <summary>Refresh tokens: <c>bkr_</c> + 43 base64url characters (256 bits from the CSPRNG).</summary>
public static class RefreshTokenFormat
{
    public const string Prefix = "bkr_";

    private static readonly OpaqueTokenFormat Format = new(Prefix);

    public static string Generate() => Format.Generate();

    public static bool TryGetPublicPrefix(string? token, out string publicPrefix) => Format.TryGetPublicPrefix(token, out publicPrefix);
}

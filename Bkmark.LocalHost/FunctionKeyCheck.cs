using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.LocalHost;

/// <summary>
/// The real host's key check for <c>AuthorizationLevel.Function</c> and above: the key comes from the
/// <c>x-functions-key</c> header or, failing that, the <c>code</c> query parameter.
/// </summary>
/// <remarks>
/// Two keys, as in the host: <c>LocalHost:FunctionKey</c> stands in for function and host keys, and
/// <c>LocalHost:MasterKey</c> for the master key, which opens every function and, alone, the admin API
/// (<c>AuthorizationLevel.Admin</c>). A key that is not set opens nothing: a forgotten setting must not
/// open the operator endpoints.
/// </remarks>
internal sealed class FunctionKeyCheck(IConfiguration configuration)
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";
    public const string ConfigurationKey = "LocalHost:FunctionKey";
    public const string MasterKeyConfigurationKey = "LocalHost:MasterKey";

    private readonly byte[]? functionKeyHash = HashOrNull(configuration[ConfigurationKey]);
    private readonly byte[]? masterKeyHash = HashOrNull(configuration[MasterKeyConfigurationKey]);

    public bool IsConfigured => functionKeyHash is not null;

    public bool IsMasterKeyConfigured => masterKeyHash is not null;

    /// <summary>Whether the request carries a key that opens <paramref name="level"/>; Anonymous needs none.</summary>
    public bool IsAuthorized(HttpRequest request, AuthorizationLevel level)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (level == AuthorizationLevel.Anonymous)
        {
            return true;
        }

        var header = request.Headers[HeaderName];
        var presented = header.Count > 0 ? header : request.Query[QueryName];

        // Two values is not one key; refuse rather than pick one.
        if (presented.Count != 1 || string.IsNullOrEmpty(presented[0]))
        {
            return false;
        }

        byte[] hash = Hash(presented[0]!);
        // Both comparisons always run, so the time taken does not tell which key was near.
        bool master = Matches(hash, masterKeyHash);
        bool function = Matches(hash, functionKeyHash);
        return master || (function && level != AuthorizationLevel.Admin);
    }

    /// <summary>
    /// Hashing both sides first gives FixedTimeEquals equal lengths, so neither the comparison time nor an
    /// early length mismatch tells a caller how long the key is or how much of it they guessed.
    /// </summary>
    private static bool Matches(byte[] presentedHash, byte[]? expectedHash) =>
        expectedHash is not null && CryptographicOperations.FixedTimeEquals(presentedHash, expectedHash);

    private static byte[]? HashOrNull(string? key) => string.IsNullOrEmpty(key) ? null : Hash(key);

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}

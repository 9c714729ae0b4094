using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Bkmark.LocalHost;

/// <summary>
/// The real host's key check for <c>AuthorizationLevel.Function</c> and above: the key comes from the
/// <c>x-functions-key</c> header or, failing that, the <c>code</c> query parameter.
/// </summary>
/// <remarks>
/// The local host has one key, <c>LocalHost:FunctionKey</c>, which stands in for function, host and master
/// keys alike. Without it every key-protected route is refused: a forgotten setting must not open the
/// operator endpoints.
/// </remarks>
internal sealed class FunctionKeyCheck
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";
    public const string ConfigurationKey = "LocalHost:FunctionKey";

    private readonly byte[]? _expectedHash;

    public FunctionKeyCheck(IConfiguration configuration)
    {
        string? key = configuration[ConfigurationKey];
        _expectedHash = string.IsNullOrEmpty(key) ? null : Hash(key);
    }

    public bool IsConfigured => _expectedHash is not null;

    public bool IsAuthorized(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_expectedHash is null)
        {
            return false;
        }

        var header = request.Headers[HeaderName];
        var presented = header.Count > 0 ? header : request.Query[QueryName];

        // Two values is not one key; refuse rather than pick one.
        return presented.Count == 1 && !string.IsNullOrEmpty(presented[0]) && Matches(presented[0]!);
    }

    /// <summary>
    /// Hashing both sides first gives FixedTimeEquals equal lengths, so neither the comparison time nor an
    /// early length mismatch tells a caller how long the key is or how much of it they guessed.
    /// </summary>
    private bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(Hash(presented), _expectedHash);

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}

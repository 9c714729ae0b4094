using Bkmark.Core.ApiKeys;
using Bkmark.Core.Authorization;

namespace Bkmark.Core.PublishableKeys;

/// <summary>
/// Checks a publishable key on every public read and every preflight: one point read of its credential (never a
/// query, never a cache, so a deletion holds at once everywhere), then the request's <c>Origin</c> against the
/// key's <c>allowedOrigins</c>, then (for a read) the rate window of this key and this client address.
/// </summary>
internal sealed partial class PublishableKeyVerifier(
    PublishableKeyStore store,
    CredentialHasher hasher,
    ApiKeyRateLimiter rateLimiter,
    IOptions<PublishableKeyOptions> options,
    ILogger<PublishableKeyVerifier> logger) : IPublishableKeyVerifier
{
    private readonly PublishableKeyOptions options = options.Value;

    public async Task<Result<Caller>> VerifyAsync(string rawKey, string? origin, string? clientIp, CancellationToken cancellationToken)
    {
        var checkedKey = await CheckAsync(rawKey, origin, cancellationToken);
        if (!checkedKey.Succeeded)
        {
            return checkedKey.Problem;
        }

        var (credential, allowedOrigin) = checkedKey.Value;
        var cors = CorsHeaders.ForRequest(allowedOrigin);

        // The key is public, so its holder is told apart by address: one page's visitors share nothing but the key.
        var rate = await rateLimiter.AcquireAsync(RateBucketOf(credential.KeyId, clientIp), options.RateLimitPerMinute, cancellationToken);
        if (!rate.Succeeded)
        {
            LogRateLimited(logger, credential.KeyId, credential.KeyPrefix);
            return rate.Problem with { Detail = $"This publishable key allows {options.RateLimitPerMinute} requests a minute from one address. Try again when the window resets.", Headers = Merge(rate.Problem.Headers, cors) };
        }

        return new Caller(credential.UserId, CredentialType.PublishableKey, [], ExpiresAt: null, KeyId: credential.KeyId)
        {
            PublishableGroupIds = credential.GroupIdList,
            ResponseHeaders = Merge(rate.Value.Headers, cors),
        };
    }

    public async Task<Result<CorsPreflight>> PreflightAsync(string rawKey, string? origin, CancellationToken cancellationToken)
    {
        var checkedKey = await CheckAsync(rawKey, origin, cancellationToken);
        return checkedKey.Succeeded ? new CorsPreflight(CorsHeaders.ForPreflight(checkedKey.Value.Origin, options.PreflightMaxAge)) : checkedKey.Problem;
    }

    /// <summary>The key exists and <paramref name="origin"/> is one of its own; a refused origin's answer carries no CORS header, so its script learns nothing.</summary>
    private async Task<Result<(PublishableKeyCredentialEntity Credential, string Origin)>> CheckAsync(string rawKey, string? origin, CancellationToken cancellationToken)
    {
        if (!PublishableKeyFormat.IsWellFormed(rawKey))
        {
            return Problems.InvalidToken("The publishable key is not valid.");
        }

        var keyPrefix = PublishableKeyFormat.KeyPrefixOf(rawKey);
        var credential = await hasher.FindAsync(rawKey, keyPrefix, store.FindCredentialAsync, cancellationToken);
        if (credential is null)
        {
            LogUnknownKey(logger, keyPrefix);
            return Problems.InvalidToken("The publishable key is not valid.");
        }

        var normalized = AllowedOrigins.Normalize(origin);
        if (normalized is null || !credential.AllowedOriginList.Contains(normalized, StringComparer.Ordinal))
        {
            LogOriginRefused(logger, credential.KeyId, keyPrefix);
            return new Problem(ErrorCodes.OriginNotAllowed, origin is null
                ? "A publishable key is used from a web page: send the page's Origin, one of the key's allowedOrigins."
                : "This origin is not one of the publishable key's allowedOrigins.");
        }

        return (credential, normalized);
    }

    /// <summary>A rate window per key and address; the address is hashed so the windows table holds no client addresses.</summary>
    private static string RateBucketOf(string keyId, string? clientIp)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(clientIp ?? ""), digest);
        return $"{keyId}-{Convert.ToHexStringLower(digest[..8])}";
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string>? first, Dictionary<string, string> second)
    {
        var merged = new Dictionary<string, string>(second, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in first ?? new Dictionary<string, string>())
        {
            merged[name] = value;
        }

        return merged;
    }

    [LoggerMessage(EventId = 3711, Level = LogLevel.Information, Message = "Unknown publishable key {KeyPrefix} presented")]
    private static partial void LogUnknownKey(ILogger logger, string keyPrefix);

    [LoggerMessage(EventId = 3712, Level = LogLevel.Information, Message = "Publishable key {KeyId} ({KeyPrefix}) used from an origin it does not allow")]
    private static partial void LogOriginRefused(ILogger logger, string keyId, string keyPrefix);

    [LoggerMessage(EventId = 3713, Level = LogLevel.Information, Message = "Publishable key {KeyId} ({KeyPrefix}) rate limited for one client address")]
    private static partial void LogRateLimited(ILogger logger, string keyId, string keyPrefix);
}

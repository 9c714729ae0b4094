namespace Bkmark.Core.Shared;

// The verifiers RequestAuthenticator calls, defined here so that the key rooms implement them and
// Authorization never depends on a key room.

/// <summary>Verifies a raw <c>bk_</c> API key: one point read, revocation and expiry, allowed addresses, rate limit, last use.</summary>
public interface IApiKeyVerifier
{
    /// <summary>Verifies <paramref name="rawKey"/> presented by <paramref name="client"/>: its §2 address meets the key's <c>allowedIps</c>, and it and its browser are the key's last use.</summary>
    Task<Result<Caller>> VerifyAsync(string rawKey, ClientInfo client, CancellationToken cancellationToken);
}

/// <summary>
/// Verifies a <c>bk_pub_</c> publishable key: one point read, the request's origin against the key's, and (for a read)
/// the rate window of the key and the client address.
/// </summary>
public interface IPublishableKeyVerifier
{
    /// <summary>A public read: the caller carries the key's groups and, as response headers, the CORS and <c>RateLimit-*</c> answers.</summary>
    Task<Result<Caller>> VerifyAsync(string rawKey, string? origin, string? clientIp, CancellationToken cancellationToken);

    /// <summary>A CORS preflight (it carries no credential of its own; the key is in the path): the headers that let the origin send the read.</summary>
    Task<Result<CorsPreflight>> PreflightAsync(string rawKey, string? origin, CancellationToken cancellationToken);
}

/// <summary>The answer to an allowed CORS preflight: <c>Access-Control-Allow-*</c> headers for one origin.</summary>
public sealed record CorsPreflight(IReadOnlyDictionary<string, string> Headers);

using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bkmark.Core.Tokens;

/// <summary>Issues and validates the ES256 access tokens (RFC 9068 profile: <c>typ: at+jwt</c>).</summary>
public sealed class AccessTokenService(SigningKeys keys, IOptions<TokenOptions> options, TimeProvider time, IdGenerator ids)
{
    public const string TokenType = "at+jwt";

    /// <summary>OpenID Connect Core §2: when the end-user authentication occurred (seconds since the epoch).</summary>
    public const string AuthTimeClaim = "auth_time";

    /// <summary>How the proof at <c>auth_time</c> was made (one of <see cref="AuthMethods"/>): step-up's recovery rule reads it (DESIGN §14).</summary>
    public const string ProofMethodClaim = "proof_method";

    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false, SetDefaultTimesOnTokenCreation = false };
    private readonly TokenOptions options = options.Value;

    private readonly TokenValidationParameters validation = new()
    {
        ValidIssuer = options.Value.Issuer,
        ValidAudience = options.Value.Audience,
        IssuerSigningKeys = keys.Validation,
        // Only ES256: rejects alg=none and the HS256-with-the-public-key confusion.
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ValidTypes = [TokenType],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        // A token whose kid is not ours is invalid; never try every key.
        TryAllIssuerSigningKeys = false,
        // Lifetime is checked below against the injected TimeProvider with a skew of seconds.
        ValidateLifetime = false,
    };

    public TimeSpan Lifetime => options.AccessTokenLifetime;

    /// <summary>A token for a person who proved who they are just now.</summary>
    public string Issue(string userId, string sessionId, IReadOnlyList<string> amr, out DateTimeOffset expiresAt) =>
        Issue(userId, sessionId, amr, time.GetUtcNow(), proofMethod: null, out expiresAt);

    /// <summary>
    /// <c>authenticatedAt</c>: when the person last proved who they are, the OpenID <c>auth_time</c> that step-up (RFC 9470) checks;
    /// <c>proofMethod</c>: how they proved it then.
    /// </summary>
    public string Issue(
        string userId, string sessionId, IReadOnlyList<string> amr, DateTimeOffset authenticatedAt, string? proofMethod, out DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        expiresAt = now + options.AccessTokenLifetime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            TokenType = TokenType,
            SigningCredentials = keys.Credentials,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId,
                ["sid"] = sessionId,
                [JwtRegisteredClaimNames.Jti] = ids.NewId(),
                ["amr"] = amr.ToArray(),
                [AuthTimeClaim] = authenticatedAt.ToUnixTimeSeconds(),
            },
        };
        if (proofMethod is not null)
        {
            descriptor.Claims[ProofMethodClaim] = proofMethod;
        }

        return handler.CreateToken(descriptor);
    }

    /// <summary>Checks signature, algorithm, type, issuer, audience and lifetime. Not the session: the caller does that.</summary>
    public async Task<Result<AccessTokenClaims>> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = await handler.ValidateTokenAsync(token, validation);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return Problems.InvalidToken("The access token is not valid.");
        }

        if (!jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var userId) || string.IsNullOrEmpty(userId)
            || !jwt.TryGetPayloadValue<string>("sid", out var sessionId) || string.IsNullOrEmpty(sessionId)
            || !jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp))
        {
            return Problems.InvalidToken("The access token is missing required claims.");
        }

        var now = time.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(exp);
        if (jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf) > now + options.ClockSkew)
        {
            return Problems.InvalidToken("The access token is not valid yet.");
        }

        // No skew on expiry: a clock that runs ahead only ends a token early. Skew applies to nbf only.
        if (expiresAt <= now)
        {
            return Problems.TokenExpired($"The access token expired at {Json.BkmarkJson.FormatTime(expiresAt)}.");
        }

        // Tokens issued before auth_time existed lack it; the session's record answers for them.
        DateTimeOffset? authenticatedAt = jwt.TryGetPayloadValue<long>(AuthTimeClaim, out var authTime)
            ? DateTimeOffset.FromUnixTimeSeconds(authTime)
            : null;
        jwt.TryGetPayloadValue<string>(ProofMethodClaim, out var proofMethod);
        return new AccessTokenClaims(userId, sessionId, expiresAt, authenticatedAt, proofMethod);
    }
}

/// <summary>What a valid access token says.</summary>
public sealed record AccessTokenClaims(
    string UserId, string SessionId, DateTimeOffset ExpiresAt, DateTimeOffset? AuthenticatedAt = null, string? ProofMethod = null);

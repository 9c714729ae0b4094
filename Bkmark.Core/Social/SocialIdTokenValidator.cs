using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Bkmark.Core.Social;

/// <summary>
/// Checks an ID token as OpenID Connect Core §3.1.3.7 asks: signed by a key of the provider's JWKS with an
/// asymmetric algorithm, issued by the provider, for this client, not expired (little skew), carrying the
/// nonce this flow sent. What it answers is who the provider says the person is.
/// </summary>
internal sealed class SocialIdTokenValidator(TimeProvider time, TimeSpan clockSkew)
{
    // §3.1.3.7 step 6-8: the JWKS keys sign with these; "none" and HMAC with the client secret are refused.
    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    public async Task<Result<SocialIdentity>> ValidateAsync(
        string? idToken, OpenIdConnectConfiguration configuration, string clientId, string expectedNonce)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrEmpty(idToken))
        {
            return Refused("The provider answered without an ID token.");
        }

        var result = await handler.ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = clientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = AsymmetricAlgorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            LifetimeValidator = IsWithinLifetime,
        });
        if (!result.IsValid)
        {
            return Refused(result.Exception switch
            {
                SecurityTokenInvalidAudienceException => "The ID token was issued for another application.",
                SecurityTokenInvalidIssuerException => "The ID token was issued by another provider.",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
                    "The ID token is not signed by the provider.",
                SecurityTokenInvalidLifetimeException => "The ID token has expired or is not valid yet.",
                _ => "The ID token is not valid.",
            });
        }

        var token = (JsonWebToken)result.SecurityToken;

        // §3.1.3.7 step 11: the nonce must be the one this flow sent, or the token was replayed into it.
        if (!token.TryGetPayloadValue<string>("nonce", out var nonce) || !FixedTimeEquals(nonce, expectedNonce))
        {
            return Refused("The ID token does not belong to this sign-in (nonce).");
        }

        // §3.1.3.7 step 4-5: with more than one audience, this client must be the authorized party.
        if (token.Audiences.Count() > 1 && (!token.TryGetPayloadValue<string>("azp", out var azp) || azp != clientId))
        {
            return Refused("The ID token was issued for another application.");
        }

        if (string.IsNullOrEmpty(token.Subject))
        {
            return Refused("The ID token names no subject.");
        }

        token.TryGetPayloadValue<string>("email", out var email);
        token.TryGetPayloadValue<string>("name", out var name);
        return new SocialIdentity(token.Subject, email, EmailVerified(token), name);
    }

    // The handler's own check reads the system clock; this one reads the injected TimeProvider.
    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return expires is { } exp && now < exp + clockSkew && (notBefore is not { } nbf || nbf <= now + clockSkew);
    }

    // Some providers send the claim as a string ("true"); anything else, or nothing, is unverified.
    private static bool EmailVerified(JsonWebToken token) =>
        (token.TryGetPayloadValue<bool>("email_verified", out var verified) && verified)
        || (token.TryGetPayloadValue<string>("email_verified", out var text) && string.Equals(text, "true", StringComparison.OrdinalIgnoreCase));

    private static bool FixedTimeEquals(string? presented, string expected) =>
        presented is not null
        && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static Problem Refused(string detail) => SocialProblems.SignInFailed(detail);
}

/// <summary>
/// Who a provider's ID token says the person is: its <c>sub</c>, and the email only counts as theirs when
/// <c>EmailVerified</c> (the provider's <c>email_verified</c>) says so.
/// </summary>
internal sealed record SocialIdentity(string Subject, string? Email, bool EmailVerified, string? Name);

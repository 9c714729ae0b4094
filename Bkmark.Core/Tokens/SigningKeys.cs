using Bkmark.Core.Secrets;
using Microsoft.IdentityModel.Tokens;

namespace Bkmark.Core.Tokens;

/// <summary>The ES256 keys: the current one signs; current and previous validate and are published as JWKS.</summary>
public sealed class SigningKeys
{
    public SigningKeys(KeyRing keys)
    {
        Current = ToSecurityKey(keys.SigningKey);
        Validation = keys.PreviousSigningKey is null ? [Current] : [Current, ToSecurityKey(keys.PreviousSigningKey)];
        Credentials = new SigningCredentials(Current, SecurityAlgorithms.EcdsaSha256);
        Jwks = new JwksDocument(Validation.Select(ToPublicJwk).ToArray());
    }

    public ECDsaSecurityKey Current { get; }

    public IReadOnlyList<ECDsaSecurityKey> Validation { get; }

    public SigningCredentials Credentials { get; }

    public JwksDocument Jwks { get; }

    private static ECDsaSecurityKey ToSecurityKey(ECDsa key)
    {
        // Only public parameters go into the key id (RFC 7638 thumbprint) and the JWKS.
        var publicKey = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        var thumbprint = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicKey)).ComputeJwkThumbprint();
        return new ECDsaSecurityKey(key) { KeyId = Base64UrlEncoder.Encode(thumbprint) };
    }

    private static PublicJwk ToPublicJwk(ECDsaSecurityKey key)
    {
        var parameters = key.ECDsa.ExportParameters(includePrivateParameters: false);
        return new PublicJwk(
            Kty: "EC",
            Crv: "P-256",
            X: Base64UrlEncoder.Encode(parameters.Q.X!),
            Y: Base64UrlEncoder.Encode(parameters.Q.Y!),
            Kid: key.KeyId,
            Use: "sig",
            Alg: SecurityAlgorithms.EcdsaSha256);
    }
}

/// <summary>RFC 7517 JWK Set of public keys.</summary>
public sealed record JwksDocument(IReadOnlyList<PublicJwk> Keys);

/// <summary>One public EC key (RFC 7518 §6.2). Never carries <c>d</c>.</summary>
public sealed record PublicJwk(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);

using System.Security.Cryptography;
using Bkmark.Core.Credentials;
using Bkmark.Core.Secrets;
using Bkmark.Core.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bkmark.Tests.Tokens;

public sealed class AccessTokenServiceTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly KeyRing keys = KeyRing.Generate();
    private readonly TokenOptions options = new();
    private readonly AccessTokenService service;
    private readonly SigningKeys signingKeys;

    public AccessTokenServiceTests()
    {
        this.signingKeys = new SigningKeys(keys);
        this.service = new AccessTokenService(signingKeys, Options.Create(options), time, new IdGenerator(time));
    }

    [Fact]
    public void Issue_SetsFifteenMinuteLifetimeAndRequiredClaims()
    {
        var token = new JsonWebToken(service.Issue("user1", "session1", ["pwd"], out var expiresAt));

        Assert.Equal(900, token.GetPayloadValue<long>("exp") - token.GetPayloadValue<long>("iat"));
        Assert.Equal(time.GetUtcNow().AddMinutes(15), expiresAt);
        Assert.Equal("ES256", token.Alg);
        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal(signingKeys.Current.KeyId, token.Kid);
        Assert.Equal("user1", token.Subject);
        Assert.Equal("session1", token.GetPayloadValue<string>("sid"));
        Assert.Equal(options.Issuer, token.Issuer);
        Assert.Contains(options.Audience, token.Audiences);
        Assert.True(IdGenerator.IsValid(token.Id));
        Assert.Equal(token.GetPayloadValue<long>("iat"), token.GetPayloadValue<long>("nbf"));
    }

    [Fact]
    public async Task Validate_Succeeds_WhenTokenIsFresh()
    {
        var token = service.Issue("user1", "session1", ["pwd"], out _);

        var result = await service.ValidateAsync(token, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("user1", result.Value.UserId);
        Assert.Equal("session1", result.Value.SessionId);
    }

    [Fact]
    public async Task Validate_Succeeds_OneSecondBeforeExpiry()
    {
        var token = service.Issue("user1", "session1", ["pwd"], out _);
        time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));

        Assert.True((await service.ValidateAsync(token, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Validate_ReturnsTokenExpired_OneSecondAfterExpiry()
    {
        var token = service.Issue("user1", "session1", ["pwd"], out _);
        time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));

        var result = await service.ValidateAsync(token, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenExpired, result.Problem?.Code);
    }

    [Fact]
    public async Task Validate_ReturnsTokenExpired_WellBeforeDotNetsDefaultFiveMinuteSkew()
    {
        var token = service.Issue("user1", "session1", ["pwd"], out _);
        time.Advance(TimeSpan.FromMinutes(16));

        Assert.Equal(ErrorCodes.TokenExpired, (await service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Validate_ReturnsInvalidToken_WhenAlgIsNone()
    {
        var header = new { alg = "none", typ = "at+jwt", kid = signingKeys.Current.KeyId };
        var token = $"{Encode(header)}.{Encode(ValidPayload())}.";

        Assert.Equal(ErrorCodes.InvalidToken, (await service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Validate_ReturnsInvalidToken_WhenHs256IsSignedWithThePublicKey()
    {
        // The classic algorithm-confusion forgery: HMAC keyed with the published public key.
        var header = new { alg = "HS256", typ = "at+jwt", kid = signingKeys.Current.KeyId };
        var signingInput = $"{Encode(header)}.{Encode(ValidPayload())}";
        var publicKey = keys.SigningKey.ExportSubjectPublicKeyInfo();
        var signature = Base64UrlEncoder.Encode(HMACSHA256.HashData(publicKey, Encoding.ASCII.GetBytes(signingInput)));

        var result = await service.ValidateAsync($"{signingInput}.{signature}", CancellationToken.None);

        Assert.Equal(ErrorCodes.InvalidToken, result.Problem?.Code);
    }

    [Theory]
    [InlineData("aud")]
    [InlineData("iss")]
    [InlineData("typ")]
    public async Task Validate_ReturnsInvalidToken_WhenClaimOrTypeIsWrong(string wrong)
    {
        var descriptor = ValidDescriptor(signingKeys.Credentials);
        switch (wrong)
        {
            case "aud": descriptor.Audience = "https://evil.example"; break;
            case "iss": descriptor.Issuer = "https://evil.example"; break;
            case "typ": descriptor.TokenType = "JWT"; break;
        }

        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);

        Assert.Equal(ErrorCodes.InvalidToken, (await service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Validate_ReturnsInvalidToken_WhenKidIsUnknown()
    {
        var otherKey = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "unknown-kid" };
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
            .CreateToken(ValidDescriptor(new SigningCredentials(otherKey, SecurityAlgorithms.EcdsaSha256)));

        Assert.Equal(ErrorCodes.InvalidToken, (await service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Validate_ReturnsInvalidToken_WhenOurKidSignsWithAnotherKey()
    {
        var impostor = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = signingKeys.Current.KeyId };
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
            .CreateToken(ValidDescriptor(new SigningCredentials(impostor, SecurityAlgorithms.EcdsaSha256)));

        Assert.Equal(ErrorCodes.InvalidToken, (await service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Validate_ReturnsInvalidToken_WhenNotBeforeIsBeyondSkew()
    {
        var descriptor = ValidDescriptor(signingKeys.Credentials);
        descriptor.NotBefore = time.GetUtcNow().UtcDateTime.AddMinutes(1);
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);

        Assert.Equal(ErrorCodes.InvalidToken, (await service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.")]
    public async Task Validate_ReturnsInvalidToken_WhenMalformed(string token)
    {
        Assert.Equal(ErrorCodes.InvalidToken, (await service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Validate_AcceptsTokensOfThePreviousKey_DuringRotation()
    {
        var rotated = new KeyRing(ECDsa.Create(ECCurve.NamedCurves.nistP256), keys.SigningKey, keys.CredentialPepper, keys.TotpEncryptionKey, keys.OutboxEncryptionKey);
        var afterRotation = new AccessTokenService(new SigningKeys(rotated), Options.Create(options), time, new IdGenerator(time));
        var oldToken = service.Issue("user1", "session1", ["pwd"], out _);

        Assert.True((await afterRotation.ValidateAsync(oldToken, CancellationToken.None)).Succeeded);
        Assert.Equal(2, new SigningKeys(rotated).Jwks.Keys.Count);
    }

    private SecurityTokenDescriptor ValidDescriptor(SigningCredentials credentials)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(15),
            TokenType = "at+jwt",
            SigningCredentials = credentials,
            Claims = new Dictionary<string, object> { ["sub"] = "user1", ["sid"] = "session1" },
        };
    }

    private object ValidPayload()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        return new { iss = options.Issuer, aud = options.Audience, sub = "user1", sid = "session1", iat = now, nbf = now, exp = now + 900 };
    }

    private static string Encode(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
}

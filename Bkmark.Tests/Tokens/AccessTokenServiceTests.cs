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
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly KeyRing _keys = KeyRing.Generate();
    private readonly TokenOptions _options = new();
    private readonly AccessTokenService _service;
    private readonly SigningKeys _signingKeys;

    public AccessTokenServiceTests()
    {
        _signingKeys = new SigningKeys(_keys);
        _service = new AccessTokenService(_signingKeys, Options.Create(_options), _time, new IdGenerator(_time));
    }

    [Fact]
    public void Issue_SetsFifteenMinuteLifetimeAndRequiredClaims()
    {
        var token = new JsonWebToken(_service.Issue("user1", "session1", ["pwd"], out var expiresAt));

        Assert.Equal(900, token.GetPayloadValue<long>("exp") - token.GetPayloadValue<long>("iat"));
        Assert.Equal(_time.GetUtcNow().AddMinutes(15), expiresAt);
        Assert.Equal("ES256", token.Alg);
        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal(_signingKeys.Current.KeyId, token.Kid);
        Assert.Equal("user1", token.Subject);
        Assert.Equal("session1", token.GetPayloadValue<string>("sid"));
        Assert.Equal(_options.Issuer, token.Issuer);
        Assert.Contains(_options.Audience, token.Audiences);
        Assert.True(IdGenerator.IsValid(token.Id));
        Assert.Equal(token.GetPayloadValue<long>("iat"), token.GetPayloadValue<long>("nbf"));
    }

    [Fact]
    public async Task Validate_Succeeds_WhenTokenIsFresh()
    {
        var token = _service.Issue("user1", "session1", ["pwd"], out _);

        var result = await _service.ValidateAsync(token, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("user1", result.Value.UserId);
        Assert.Equal("session1", result.Value.SessionId);
    }

    [Fact]
    public async Task Validate_Succeeds_OneSecondBeforeExpiry()
    {
        var token = _service.Issue("user1", "session1", ["pwd"], out _);
        _time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));

        Assert.True((await _service.ValidateAsync(token, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Validate_ReturnsTokenExpired_OneSecondAfterExpiry()
    {
        var token = _service.Issue("user1", "session1", ["pwd"], out _);
        _time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));

        var result = await _service.ValidateAsync(token, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenExpired, result.Problem?.Code);
    }

    [Fact]
    public async Task Validate_ReturnsTokenExpired_WellBeforeDotNetsDefaultFiveMinuteSkew()
    {
        var token = _service.Issue("user1", "session1", ["pwd"], out _);
        _time.Advance(TimeSpan.FromMinutes(16));

        Assert.Equal(ErrorCodes.TokenExpired, (await _service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Validate_ReturnsInvalidToken_WhenAlgIsNone()
    {
        var header = new { alg = "none", typ = "at+jwt", kid = _signingKeys.Current.KeyId };
        var token = $"{Encode(header)}.{Encode(ValidPayload())}.";

        Assert.Equal(ErrorCodes.InvalidToken, (await _service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Validate_ReturnsInvalidToken_WhenHs256IsSignedWithThePublicKey()
    {
        // The classic algorithm-confusion forgery: HMAC keyed with the published public key.
        var header = new { alg = "HS256", typ = "at+jwt", kid = _signingKeys.Current.KeyId };
        var signingInput = $"{Encode(header)}.{Encode(ValidPayload())}";
        var publicKey = _keys.SigningKey.ExportSubjectPublicKeyInfo();
        var signature = Base64UrlEncoder.Encode(HMACSHA256.HashData(publicKey, Encoding.ASCII.GetBytes(signingInput)));

        var result = await _service.ValidateAsync($"{signingInput}.{signature}", CancellationToken.None);

        Assert.Equal(ErrorCodes.InvalidToken, result.Problem?.Code);
    }

    [Theory]
    [InlineData("aud")]
    [InlineData("iss")]
    [InlineData("typ")]
    public async Task Validate_ReturnsInvalidToken_WhenClaimOrTypeIsWrong(string wrong)
    {
        var descriptor = ValidDescriptor(_signingKeys.Credentials);
        switch (wrong)
        {
            case "aud": descriptor.Audience = "https://evil.example"; break;
            case "iss": descriptor.Issuer = "https://evil.example"; break;
            case "typ": descriptor.TokenType = "JWT"; break;
        }

        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);

        Assert.Equal(ErrorCodes.InvalidToken, (await _service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Validate_ReturnsInvalidToken_WhenKidIsUnknown()
    {
        var otherKey = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "unknown-kid" };
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
            .CreateToken(ValidDescriptor(new SigningCredentials(otherKey, SecurityAlgorithms.EcdsaSha256)));

        Assert.Equal(ErrorCodes.InvalidToken, (await _service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Validate_ReturnsInvalidToken_WhenOurKidSignsWithAnotherKey()
    {
        var impostor = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = _signingKeys.Current.KeyId };
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
            .CreateToken(ValidDescriptor(new SigningCredentials(impostor, SecurityAlgorithms.EcdsaSha256)));

        Assert.Equal(ErrorCodes.InvalidToken, (await _service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Validate_ReturnsInvalidToken_WhenNotBeforeIsBeyondSkew()
    {
        var descriptor = ValidDescriptor(_signingKeys.Credentials);
        descriptor.NotBefore = _time.GetUtcNow().UtcDateTime.AddMinutes(1);
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);

        Assert.Equal(ErrorCodes.InvalidToken, (await _service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.")]
    public async Task Validate_ReturnsInvalidToken_WhenMalformed(string token)
    {
        Assert.Equal(ErrorCodes.InvalidToken, (await _service.ValidateAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Validate_AcceptsTokensOfThePreviousKey_DuringRotation()
    {
        var rotated = new KeyRing(ECDsa.Create(ECCurve.NamedCurves.nistP256), _keys.SigningKey, _keys.CredentialPepper, _keys.TotpEncryptionKey);
        var afterRotation = new AccessTokenService(new SigningKeys(rotated), Options.Create(_options), _time, new IdGenerator(_time));
        var oldToken = _service.Issue("user1", "session1", ["pwd"], out _);

        Assert.True((await afterRotation.ValidateAsync(oldToken, CancellationToken.None)).Succeeded);
        Assert.Equal(2, new SigningKeys(rotated).Jwks.Keys.Count);
    }

    private SecurityTokenDescriptor ValidDescriptor(SigningCredentials credentials)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
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
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        return new { iss = _options.Issuer, aud = _options.Audience, sub = "user1", sid = "session1", iat = now, nbf = now, exp = now + 900 };
    }

    private static string Encode(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
}

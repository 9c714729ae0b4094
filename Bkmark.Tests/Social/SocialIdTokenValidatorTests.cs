using System.Security.Cryptography;
using Bkmark.Core.Social;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Bkmark.Tests.Social;

/// <summary>
/// The ID token checks, against a provider made here (its own RSA key and discovery document), so each bad
/// token can be built exactly: the integration tests cover the good path against the real Local IdP.
/// </summary>
public sealed class SocialIdTokenValidatorTests
{
    private const string Issuer = "https://idp.example.com";
    private const string ClientId = "bkmark";
    private const string Nonce = "the-nonce-this-flow-sent";
    private const string Absent = "(no email_verified claim)";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RsaSecurityKey providerKey = NewKey("provider");
    private readonly OpenIdConnectConfiguration configuration;

    public SocialIdTokenValidatorTests()
    {
        this.configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
        configuration.SigningKeys.Add(providerKey);
    }

    private SocialIdTokenValidator Validator => new(time, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Validate_ReturnsTheIdentity_WhenEveryCheckPasses()
    {
        var identity = await Validator.ValidateAsync(Token(), configuration, ClientId, Nonce);

        Assert.True(identity.Succeeded);
        Assert.Equal("subject-1", identity.Value.Subject);
        Assert.Equal("ada@example.com", identity.Value.Email);
        Assert.True(identity.Value.EmailVerified);
    }

    [Fact]
    public async Task Validate_Refuses_WhenTheNonceIsNotThisFlows()
    {
        var identity = await Validator.ValidateAsync(Token(nonce: "another-flows-nonce"), configuration, ClientId, Nonce);

        AssertRefused(identity, "nonce");
    }

    [Fact]
    public async Task Validate_Refuses_WhenTheNonceIsMissing()
    {
        var identity = await Validator.ValidateAsync(Token(nonce: null), configuration, ClientId, Nonce);

        AssertRefused(identity, "nonce");
    }

    [Fact]
    public async Task Validate_Refuses_WhenTheTokenIsForAnotherAudience()
    {
        var identity = await Validator.ValidateAsync(Token(audience: "another-app"), configuration, ClientId, Nonce);

        AssertRefused(identity, "another application");
    }

    [Fact]
    public async Task Validate_Refuses_WhenSignedByAnotherKey()
    {
        var identity = await Validator.ValidateAsync(Token(key: NewKey("provider")), configuration, ClientId, Nonce);

        AssertRefused(identity, "not signed by the provider");
    }

    [Fact]
    public async Task Validate_Refuses_WhenIssuedByAnotherProvider()
    {
        var identity = await Validator.ValidateAsync(Token(issuer: "https://evil.example.com"), configuration, ClientId, Nonce);

        AssertRefused(identity, "another provider");
    }

    [Fact]
    public async Task Validate_Refuses_WhenExpiredBeyondTheSkew()
    {
        var token = Token();
        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(31));

        var identity = await Validator.ValidateAsync(token, configuration, ClientId, Nonce);

        AssertRefused(identity, "expired");
    }

    [Fact]
    public async Task Validate_Refuses_WhenUnsigned()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(Descriptor(Nonce, ClientId, Issuer, signing: null, emailVerified: true));

        var identity = await Validator.ValidateAsync(unsigned, configuration, ClientId, Nonce);

        AssertRefused(identity, "not signed by the provider");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    [InlineData(Absent, false)]
    public async Task Validate_TrustsTheEmail_OnlyWhenTheProviderMarksItVerified(object emailVerified, bool trusted)
    {
        var identity = await Validator.ValidateAsync(Token(emailVerified: emailVerified), configuration, ClientId, Nonce);

        Assert.True(identity.Succeeded);
        Assert.Equal(trusted, identity.Value.EmailVerified);
    }

    private static void AssertRefused(Result<SocialIdentity> identity, string reason)
    {
        Assert.False(identity.Succeeded);
        Assert.Equal(ErrorCodes.SocialSignInFailed, identity.Problem.Code);
        Assert.Contains(reason, identity.Problem.Detail, StringComparison.Ordinal);
    }

    private string Token(
        string? nonce = Nonce, string audience = ClientId, string issuer = Issuer, RsaSecurityKey? key = null, object? emailVerified = null) =>
        new JsonWebTokenHandler().CreateToken(
            Descriptor(nonce, audience, issuer, new SigningCredentials(key ?? providerKey, SecurityAlgorithms.RsaSha256), emailVerified ?? true));

    private SecurityTokenDescriptor Descriptor(string? nonce, string audience, string issuer, SigningCredentials? signing, object? emailVerified = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object> { ["sub"] = "subject-1", ["email"] = "ada@example.com" };
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        if (emailVerified is not (null or Absent))
        {
            claims["email_verified"] = emailVerified;
        }

        return new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = signing,
        };
    }

    // Two keys may share a kid: "another key" must fail on the signature, not merely on an unknown kid.
    private static RsaSecurityKey NewKey(string keyId) => new(RSA.Create(2048)) { KeyId = keyId };
}

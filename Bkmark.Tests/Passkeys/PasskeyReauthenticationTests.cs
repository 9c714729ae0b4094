using Microsoft.IdentityModel.JsonWebTokens;

namespace Bkmark.Tests.Passkeys;

/// <summary><c>POST /auth/reauthenticate</c> with a passkey assertion, over HTTP through the local host against Azurite.</summary>
public sealed class PasskeyReauthenticationTests(PasskeyHostFixture fixture) : IClassFixture<PasskeyHostFixture>
{
    [Fact]
    public async Task Reauthenticate_WithOwnPasskey_GivesTheSameSessionAFreshAuthTime()
    {
        // Arrange
        using var authenticator = new TestAuthenticator();
        var (_, token) = await SignUpWithPasskeyAsync(authenticator);
        fixture.Time.Advance(TimeSpan.FromMinutes(11));
        var refused = await fixture.SendAsync(HttpMethod.Post, "api/v1/me/passkeys/options", bearer: token);

        // Act
        var response = await ReauthenticateWithPasskeyAsync(authenticator, token);
        var tokens = await response.ReadJsonAsync();
        var fresh = tokens.GetProperty("accessToken").GetString()!;
        var retried = await fixture.SendAsync(HttpMethod.Post, "api/v1/me/passkeys/options", bearer: fresh);

        // Assert
        await refused.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new JsonWebToken(token).GetPayloadValue<string>("sid"), tokens.GetProperty("sessionId").GetString());
        Assert.Equal(fixture.Time.GetUtcNow().ToUnixTimeSeconds(), new JsonWebToken(fresh).GetPayloadValue<long>("auth_time"));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
    }

    [Fact]
    public async Task Reauthenticate_WithAnotherUsersPasskey_Returns401InvalidCredentials()
    {
        // Arrange
        using var othersAuthenticator = new TestAuthenticator();
        await SignUpWithPasskeyAsync(othersAuthenticator);
        var (_, token, _) = await fixture.Client.SignUpAsync();

        // Act
        var response = await ReauthenticateWithPasskeyAsync(othersAuthenticator, token);

        // Assert
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials);
    }

    private async Task<HttpResponseMessage> ReauthenticateWithPasskeyAsync(TestAuthenticator authenticator, string token)
    {
        var start = await (await fixture.SendAsync(HttpMethod.Post, "api/v1/auth/passkeys/options")).ReadJsonAsync();
        return await fixture.SendAsync(HttpMethod.Post, "api/v1/auth/reauthenticate", new
        {
            challengeId = start.GetProperty("challengeId").GetString(),
            credential = authenticator.Assert(start.GetProperty("options"), fixture.Origin, signCount: 1),
        }, token);
    }

    private async Task<(string UserId, string Token)> SignUpWithPasskeyAsync(TestAuthenticator authenticator)
    {
        var (userId, token, _) = await fixture.Client.SignUpAsync();
        var start = await (await fixture.SendAsync(HttpMethod.Post, "api/v1/me/passkeys/options", bearer: token)).ReadJsonAsync();
        var created = await fixture.SendAsync(HttpMethod.Post, "api/v1/me/passkeys", new
        {
            challengeId = start.GetProperty("challengeId").GetString(),
            credential = authenticator.Attest(start.GetProperty("options"), fixture.Origin),
        }, token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (userId, token);
    }
}

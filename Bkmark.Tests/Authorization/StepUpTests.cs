using Bkmark.Core.TwoFactor;
using Bkmark.Tests.ApiKeys;
using Microsoft.IdentityModel.JsonWebTokens;
using OtpNet;

namespace Bkmark.Tests.Authorization;

/// <summary>Step-up (RFC 9470) over HTTP through the local host, against Azurite: sensitive routes need a recent sign-in.</summary>
public sealed class StepUpTests(ApiKeyHostFixture host) : IClassFixture<ApiKeyHostFixture>
{
    private static readonly TimeSpan ElevenMinutes = TimeSpan.FromMinutes(11);

    [Theory]
    [MemberData(nameof(SensitiveRoutes.All), MemberType = typeof(SensitiveRoutes))]
    public async Task SensitiveRoute_Returns403ReauthenticationRequired_WhenSignInIsElevenMinutesOld(string method, string path)
    {
        // Arrange
        var user = await host.SignUpAsync();
        host.Time.Advance(ElevenMinutes);
        host.StorageRequests.Clear();

        // Act
        var response = await host.SendAsync(new HttpMethod(method), path, SensitiveRoutes.BodyFor(path), user.AccessToken);

        // Assert
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"insufficient_user_authentication\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("max_age=600", challenge.Parameter, StringComparison.Ordinal);
        // The check reads auth_time from the token: the session's point read is the only read (plus the once-a-minute activity write).
        Assert.Single(host.StorageRequests.Requests, r => !r.IsWrite);
        Assert.Single(host.StorageRequests.Requests, r => r.IsPointRead);
    }

    [Theory]
    [MemberData(nameof(SensitiveRoutes.All), MemberType = typeof(SensitiveRoutes))]
    public async Task SensitiveRoute_PassesStepUp_AfterReauthenticate(string method, string path)
    {
        // Arrange
        var user = await host.SignUpAsync();
        host.Time.Advance(ElevenMinutes);
        var refused = await host.SendAsync(new HttpMethod(method), path, SensitiveRoutes.BodyFor(path), user.AccessToken);

        // Act
        var reauthenticated = await host.SendAsync(HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = Password }, user.AccessToken);
        var tokens = await reauthenticated.ReadJsonAsync();
        var fresh = tokens.GetProperty("accessToken").GetString()!;
        var retried = await host.SendAsync(new HttpMethod(method), path, SensitiveRoutes.BodyFor(path), fresh);

        // Assert
        await refused.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        Assert.Equal(HttpStatusCode.OK, reauthenticated.StatusCode);
        Assert.Equal(SessionIdOf(user.AccessToken), tokens.GetProperty("sessionId").GetString());
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("refreshToken").GetString()));
        var text = await retried.Content.ReadAsStringAsync();
        Assert.DoesNotContain(ErrorCodes.ReauthenticationRequired, text, StringComparison.Ordinal);
        Assert.True((int)retried.StatusCode < 500, text);
    }

    [Fact]
    public async Task CreateApiKey_Succeeds_AfterReauthenticate_AndApiKeysNeverNeedStepUp()
    {
        // Arrange
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;
        host.Time.Advance(ElevenMinutes);

        // Act
        var withOldSession = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", SensitiveRoutes.BodyFor("api/v1/api-keys"), user.AccessToken);
        var withKey = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", SensitiveRoutes.BodyFor("api/v1/api-keys"), key);
        var fresh = await ReauthenticateAsync(user.AccessToken);
        var afterReauthentication = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", SensitiveRoutes.BodyFor("api/v1/api-keys"), fresh);

        // Assert
        await withOldSession.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        Assert.Equal(HttpStatusCode.Created, withKey.StatusCode);
        Assert.Equal(HttpStatusCode.Created, afterReauthentication.StatusCode);
    }

    [Fact]
    public async Task AccessToken_CarriesAuthTime_ThatRefreshKeeps_AndReauthenticationMoves()
    {
        // Arrange
        var signedInAt = host.Time.GetUtcNow();
        var tokens = (await host.Client.SignUpAsync()).Tokens;
        host.Time.Advance(ElevenMinutes);

        // Act
        var refreshed = await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() })).ReadJsonAsync();
        var refreshedToken = refreshed.GetProperty("accessToken").GetString()!;
        var afterRefresh = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", null, refreshedToken);
        var reauthenticatedAt = host.Time.GetUtcNow();
        var fresh = await ReauthenticateAsync(refreshedToken);
        // A token issued before the re-authentication keeps its own, old auth_time.
        var olderToken = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", null, refreshedToken);

        // Assert
        Assert.Equal(signedInAt.ToUnixTimeSeconds(), AuthTimeOf(tokens.GetProperty("accessToken").GetString()!));
        Assert.Equal(signedInAt.ToUnixTimeSeconds(), AuthTimeOf(refreshedToken));
        await afterRefresh.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        Assert.Equal(reauthenticatedAt.ToUnixTimeSeconds(), AuthTimeOf(fresh));
        await olderToken.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
    }

    [Fact]
    public async Task Reauthenticate_SpendsTheRefreshTokenTheClientHeld_AndItsSuccessorWorks()
    {
        // Arrange
        var tokens = (await host.Client.SignUpAsync()).Tokens;

        // Act
        var reauthenticated = await (await host.SendAsync(
            HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = Password }, tokens.GetProperty("accessToken").GetString())).ReadJsonAsync();
        var oldRefresh = await host.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        var newRefresh = await host.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken = reauthenticated.GetProperty("refreshToken").GetString() });

        // Assert
        await oldRefresh.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        Assert.Equal(HttpStatusCode.OK, newRefresh.StatusCode);
    }

    [Fact]
    public async Task Reauthenticate_ParallelWrongPasswords_AreCheckedOnlyUpToTheLimit_AndLockUnknownDevicesLikeSignIn()
    {
        // Arrange
        var user = await host.Client.SignUpAsync();

        // Act: twelve wrong guesses at once.
        var guesses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            host.SendAsync(HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = $"wrong guess {i}" }, user.AccessToken)));
        var rightPassword = await host.SendAsync(HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = Password }, user.AccessToken);
        var signInForm = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = user.Email, password = Password });
        var ownersDevice = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login",
            new { email = user.Email, password = Password, deviceToken = user.Tokens.GetProperty("deviceToken").GetString() });

        // Assert: each guess claimed its attempt before it was checked (§7), so only the limit's worth were checked.
        Assert.Equal(5, guesses.Count(g => g.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(7, guesses.Count(g => g.StatusCode == HttpStatusCode.TooManyRequests));

        await rightPassword.AssertProblemAsync(HttpStatusCode.TooManyRequests, ErrorCodes.TooManyAttempts);
        Assert.NotNull(rightPassword.Headers.RetryAfter);
        // One counter for the account: guesses through a stolen token lock the sign-in form too.
        await signInForm.AssertProblemAsync(HttpStatusCode.TooManyRequests, ErrorCodes.TooManyAttempts);
        // The owner's own device keeps its own counter: a thief's guesses do not lock it out.
        Assert.Equal(HttpStatusCode.OK, ownersDevice.StatusCode);
    }

    [Fact]
    public async Task Reauthenticate_NeedsTheSecondFactor_WhenTwoFactorIsOn()
    {
        // Arrange
        var token = (await host.Client.SignUpAsync()).AccessToken;
        var setup = await (await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", null, token)).ReadJsonAsync();
        var secret = setup.GetProperty("secret").GetString()!;
        var enable = await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = CodeNow(secret) }, token);
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        host.Time.Advance(ElevenMinutes);

        // Act
        var passwordOnly = await host.SendAsync(HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = Password }, token);
        var withCode = await host.SendAsync(HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = Password, twoFactorCode = CodeNow(secret) }, token);

        // Assert
        await passwordOnly.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"password\":\"x\",\"challengeId\":\"y\"}")]
    [InlineData("[]")]
    public async Task Reauthenticate_Returns400_WhenTheBodyNamesNoSingleProof(string body)
    {
        // Arrange
        var user = await host.SignUpAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/reauthenticate")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", user.AccessToken);

        // Act
        var response = await host.Client.SendAsync(request);

        // Assert
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
    }

    [Fact]
    public async Task Reauthenticate_Returns403_ForAnApiKey()
    {
        // Arrange
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;

        // Act
        var response = await host.SendAsync(HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = Password }, key);

        // Assert
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ApiKeyNotAllowed);
    }

    private async Task<string> ReauthenticateAsync(string accessToken)
    {
        var response = await host.SendAsync(HttpMethod.Post, "api/v1/auth/reauthenticate", new { password = Password }, accessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("accessToken").GetString()!;
    }

    private string CodeNow(string secret) => TotpCalculator.Default.Compute(Base32Encoding.ToBytes(secret), host.Time.GetUtcNow());

    private static long AuthTimeOf(string accessToken) => new JsonWebToken(accessToken).GetPayloadValue<long>("auth_time");

    private static string SessionIdOf(string accessToken) => new JsonWebToken(accessToken).GetPayloadValue<string>("sid");
}

using Bkmark.Core.Accounts;
using Bkmark.Core.Passkeys;

namespace Bkmark.Tests.Passkeys;

/// <summary>
/// The ceremonies end to end through <see cref="PasskeyService"/>: real Fido2, real Table Storage (Azurite),
/// authenticator responses built by <see cref="TestAuthenticator"/>, time from the fixture's FakeTimeProvider.
/// </summary>
public sealed class PasskeyServiceTests(PasskeyHostFixture fixture) : IClassFixture<PasskeyHostFixture>, IDisposable
{
    private readonly PasskeyService passkeys = fixture.Services.GetRequiredService<PasskeyService>();
    private readonly PasskeyStore store = fixture.Services.GetRequiredService<PasskeyStore>();
    private readonly AccountService accounts = fixture.Services.GetRequiredService<AccountService>();
    private readonly TestAuthenticator authenticator = new();

    public void Dispose() => authenticator.Dispose();

    [Fact]
    public async Task Register_StoresPasskeyNamedAfterBrowser_WhenAttestationIsValid()
    {
        var userId = await NewUserAsync();
        var start = await passkeys.BeginRegistrationAsync(userId, purpose: null, default);

        var result = await passkeys.RegisterAsync(Callers.Session(userId, "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"), start.Value!.ChallengeId, authenticator.Attest(start.Value.Options, fixture.Origin),
            null, default);

        Assert.True(result.Succeeded, result.Problem?.Detail);
        Assert.Equal("Chrome on macOS", result.Value.Name);
        Assert.Equal(Base64UrlOf(authenticator.CredentialId), (await store.FindAsync(userId, result.Value.Id, default))!.CredentialId);
        Assert.Equal(1, await store.CountAsync(userId, default));
    }

    [Fact]
    public async Task BeginRegistration_AsksForDiscoverableVerifiedCredential_AndExcludesExisting()
    {
        var userId = await NewUserAsync();
        await RegisterAsync(userId);

        var start = await passkeys.BeginRegistrationAsync(userId, purpose: null, default);

        var options = start.Value!.Options;
        Assert.Equal("required", options.GetProperty("authenticatorSelection").GetProperty("residentKey").GetString());
        Assert.Equal("required", options.GetProperty("authenticatorSelection").GetProperty("userVerification").GetString());
        Assert.Equal(Base64UrlOf(authenticator.CredentialId), options.GetProperty("excludeCredentials")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Register_RefusesChallenge_WhenUsedTwice()
    {
        var userId = await NewUserAsync();
        var start = (await passkeys.BeginRegistrationAsync(userId, purpose: null, default)).Value!;
        var credential = authenticator.Attest(start.Options, fixture.Origin);
        Assert.True((await passkeys.RegisterAsync(Callers.Session(userId), start.ChallengeId, credential, "first", default)).Succeeded);

        using var other = new TestAuthenticator();
        var again = await passkeys.RegisterAsync(Callers.Session(userId), start.ChallengeId, other.Attest(start.Options, fixture.Origin), "second", default);

        AssertValidationOf("challengeId", again.Problem);
    }

    [Fact]
    public async Task Register_RefusesChallenge_WhenOlderThanFiveMinutes()
    {
        var userId = await NewUserAsync();
        var start = (await passkeys.BeginRegistrationAsync(userId, purpose: null, default)).Value!;
        fixture.Time.Advance(TimeSpan.FromMinutes(5));

        var result = await passkeys.RegisterAsync(Callers.Session(userId), start.ChallengeId, authenticator.Attest(start.Options, fixture.Origin), null, default);

        AssertValidationOf("challengeId", result.Problem);
    }

    [Fact]
    public async Task Register_RefusesChallenge_WhenIssuedToAnotherUser()
    {
        var owner = await NewUserAsync();
        var other = await NewUserAsync();
        var start = (await passkeys.BeginRegistrationAsync(owner, purpose: null, default)).Value!;

        var result = await passkeys.RegisterAsync(Callers.Session(other), start.ChallengeId, authenticator.Attest(start.Options, fixture.Origin), null, default);

        AssertValidationOf("challengeId", result.Problem);
    }

    [Fact]
    public async Task Register_ReturnsConflict_WhenCredentialIdIsRegisteredToAnotherUser()
    {
        await RegisterAsync(await NewUserAsync());
        var second = await NewUserAsync();
        using var clone = new TestAuthenticator(authenticator.CredentialId);
        var start = (await passkeys.BeginRegistrationAsync(second, purpose: null, default)).Value!;

        var result = await passkeys.RegisterAsync(Callers.Session(second), start.ChallengeId, clone.Attest(start.Options, fixture.Origin), null, default);

        Assert.Equal(409, result.Problem?.Status);
        Assert.Equal(0, await store.CountAsync(second, default));
    }

    [Fact]
    public async Task Register_IsRefused_WhenOriginIsNotConfigured()
    {
        var userId = await NewUserAsync();
        var start = (await passkeys.BeginRegistrationAsync(userId, purpose: null, default)).Value!;

        var result = await passkeys.RegisterAsync(Callers.Session(userId), start.ChallengeId, authenticator.Attest(start.Options, "https://evil.example"), null, default);

        AssertValidationOf("credential", result.Problem);
        Assert.Equal(0, await store.CountAsync(userId, default));
    }

    [Fact]
    public async Task Register_IsRefused_WhenUserWasNotVerified()
    {
        var userId = await NewUserAsync();
        var start = (await passkeys.BeginRegistrationAsync(userId, purpose: null, default)).Value!;

        var result = await passkeys.RegisterAsync(
            Callers.Session(userId), start.ChallengeId, authenticator.Attest(start.Options, fixture.Origin, TestAuthenticator.UserPresent), null, default);

        AssertValidationOf("credential", result.Problem);
    }

    [Fact]
    public async Task Register_ReturnsValidation_WhenNameIsTooLong()
    {
        var userId = await NewUserAsync();
        var start = (await passkeys.BeginRegistrationAsync(userId, purpose: null, default)).Value!;

        var result = await passkeys.RegisterAsync(Callers.Session(userId), start.ChallengeId, authenticator.Attest(start.Options, fixture.Origin), new string('n', 101), default);

        AssertValidationOf("name", result.Problem);
    }

    [Fact]
    public async Task SignIn_ReturnsUserAndRecordsUse_WhenAssertionIsValid()
    {
        var userId = await NewUserAsync();
        var registered = await RegisterAsync(userId);
        var start = await passkeys.BeginSignInAsync(default);

        var result = await passkeys.SignInAsync(start.ChallengeId, authenticator.Assert(start.Options, fixture.Origin), default);

        Assert.Equal(userId, result.Value);
        var stored = (await passkeys.ListAsync(userId, default)).Single();
        Assert.Equal(fixture.Time.GetUtcNow(), stored.LastUsedAt);
        Assert.Equal(registered.Id, stored.Id);
    }

    [Fact]
    public async Task SignIn_IsRefused_WhenAssertionIsReplayed()
    {
        await RegisterAsync(await NewUserAsync());
        var start = await passkeys.BeginSignInAsync(default);
        var assertion = authenticator.Assert(start.Options, fixture.Origin);
        Assert.True((await passkeys.SignInAsync(start.ChallengeId, assertion, default)).Succeeded);

        var replay = await passkeys.SignInAsync(start.ChallengeId, assertion, default);

        AssertInvalidCredentials(replay.Problem);
    }

    [Fact]
    public async Task SignIn_IsRefused_WhenAssertionIsReplayedAgainstNewChallenge()
    {
        await RegisterAsync(await NewUserAsync());
        var first = await passkeys.BeginSignInAsync(default);
        var assertion = authenticator.Assert(first.Options, fixture.Origin);
        Assert.True((await passkeys.SignInAsync(first.ChallengeId, assertion, default)).Succeeded);
        var second = await passkeys.BeginSignInAsync(default);

        var replay = await passkeys.SignInAsync(second.ChallengeId, assertion, default);

        AssertInvalidCredentials(replay.Problem);
    }

    [Fact]
    public async Task SignIn_IsRefused_WhenChallengeIsOlderThanFiveMinutes()
    {
        await RegisterAsync(await NewUserAsync());
        var start = await passkeys.BeginSignInAsync(default);
        fixture.Time.Advance(TimeSpan.FromMinutes(5));

        var result = await passkeys.SignInAsync(start.ChallengeId, authenticator.Assert(start.Options, fixture.Origin), default);

        AssertInvalidCredentials(result.Problem);
    }

    [Fact]
    public async Task SignIn_IsRefused_WhenOriginIsNotConfigured()
    {
        await RegisterAsync(await NewUserAsync());
        var start = await passkeys.BeginSignInAsync(default);

        var result = await passkeys.SignInAsync(start.ChallengeId, authenticator.Assert(start.Options, "http://localhost:1"), default);

        AssertInvalidCredentials(result.Problem);
    }

    [Fact]
    public async Task SignIn_IsRefused_WhenUserWasNotVerified()
    {
        await RegisterAsync(await NewUserAsync());
        var start = await passkeys.BeginSignInAsync(default);

        var result = await passkeys.SignInAsync(start.ChallengeId, authenticator.Assert(start.Options, fixture.Origin, TestAuthenticator.UserPresent), default);

        AssertInvalidCredentials(result.Problem);
    }

    [Fact]
    public async Task SignIn_IsRefused_WhenUserHandleIsAnotherUsers()
    {
        await RegisterAsync(await NewUserAsync());
        var someoneElse = await NewUserAsync();
        var start = await passkeys.BeginSignInAsync(default);

        var result = await passkeys.SignInAsync(
            start.ChallengeId, authenticator.Assert(start.Options, fixture.Origin, userHandle: PasskeyService.UserHandleOf(someoneElse)), default);

        AssertInvalidCredentials(result.Problem);
    }

    [Fact]
    public async Task SignIn_IsRefused_WhenPasskeyWasRemoved()
    {
        var userId = await NewUserAsync();
        var passkey = await RegisterAsync(userId);
        Assert.True((await passkeys.DeleteAsync(Callers.Session(userId), passkey.Id, default)).Succeeded);
        var start = await passkeys.BeginSignInAsync(default);

        var result = await passkeys.SignInAsync(start.ChallengeId, authenticator.Assert(start.Options, fixture.Origin), default);

        AssertInvalidCredentials(result.Problem);
    }

    // (presented, stored): a counter that does not go up, when either is non-zero, is refused.
    [Theory]
    [InlineData(42u, 42u, false)]
    [InlineData(41u, 42u, false)]
    [InlineData(0u, 1u, false)]
    [InlineData(0u, 0u, true)]
    [InlineData(43u, 42u, true)]
    [InlineData(1u, 0u, true)]
    public async Task SignIn_AppliesCounterRule_ForPresentedAndStoredCounter(uint presented, uint stored, bool accepted)
    {
        var userId = await NewUserAsync();
        await RegisterAsync(userId, stored);
        var start = await passkeys.BeginSignInAsync(default);

        var result = await passkeys.SignInAsync(start.ChallengeId, authenticator.Assert(start.Options, fixture.Origin, signCount: presented), default);

        Assert.Equal(accepted, result.Succeeded);
        Assert.Equal(accepted ? presented : stored, (uint)(await store.ListAsync(userId, default)).Single().SignatureCounter);
    }

    [Theory]
    [InlineData(42L, 42L, false)]
    [InlineData(42L, 41L, false)]
    [InlineData(1L, 0L, false)]
    [InlineData(0L, 0L, true)]
    [InlineData(42L, 43L, true)]
    public void Advances_FollowsWebAuthnRule(long stored, long presented, bool expected) =>
        Assert.Equal(expected, SignatureCounter.Advances(stored, presented));

    [Fact]
    public async Task SignIn_SucceedsAtMostOnce_WhenOneAssertionIsSentConcurrently()
    {
        await RegisterAsync(await NewUserAsync());
        var start = await passkeys.BeginSignInAsync(default);
        var assertion = authenticator.Assert(start.Options, fixture.Origin);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => passkeys.SignInAsync(start.ChallengeId, assertion, default))));

        Assert.Equal(1, results.Count(r => r.Succeeded));
    }

    [Fact]
    public async Task SignIn_AcceptsOneOfEqualCounters_WhenTwoAssertionsRace()
    {
        var userId = await NewUserAsync();
        await RegisterAsync(userId, signCount: 5);
        var starts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => passkeys.BeginSignInAsync(default)));
        // A cloned authenticator: every copy signs with the same next counter value.
        var assertions = starts.Select(s => (s.ChallengeId, Credential: authenticator.Assert(s.Options, fixture.Origin, signCount: 6))).ToList();

        var results = await Task.WhenAll(assertions.Select(a => Task.Run(() => passkeys.SignInAsync(a.ChallengeId, a.Credential, default))));

        Assert.Equal(1, results.Count(r => r.Succeeded));
    }

    [Fact]
    public async Task ConsumeChallenge_SucceedsAtMostOnce_UnderConcurrency()
    {
        var challenges = fixture.Services.GetRequiredService<PasskeyChallengeStore>();
        var challengeId = await challenges.CreateAsync(PasskeyCeremony.Authentication, "", "{}", context: null, default);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Task.Run(() => challenges.ConsumeAsync(challengeId, PasskeyCeremony.Authentication, "", default))));

        Assert.Equal(1, results.Count(r => r is not null));
    }

    [Fact]
    public async Task Rename_ReturnsNotFound_WhenPasskeyIsAnotherUsers()
    {
        var passkey = await RegisterAsync(await NewUserAsync());

        var result = await passkeys.RenameAsync(Callers.Session(await NewUserAsync()), passkey.Id, "mine now", default);

        Assert.Equal(ErrorCodes.NotFound, result.Problem?.Code);
    }

    [Fact]
    public async Task Delete_FreesCredentialId_ForRegistrationAgain()
    {
        var first = await NewUserAsync();
        var passkey = await RegisterAsync(first);
        await passkeys.DeleteAsync(Callers.Session(first), passkey.Id, default);

        var again = await RegisterAsync(await NewUserAsync());

        Assert.Equal(passkey.CredentialId, again.CredentialId);
    }

    [Theory]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome on macOS")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox on Windows")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge on Windows")]
    [InlineData("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36", "Chrome on Android")]
    [InlineData("curl/8.5.0", "Passkey")]
    [InlineData(null, "Passkey")]
    public void FromUserAgent_NamesBrowserAndPlatform(string? userAgent, string expected) =>
        Assert.Equal(expected, PasskeyNames.FromUserAgent(userAgent));

    private async Task<string> NewUserAsync()
    {
        var user = (await accounts.RegisterAsync($"{Guid.NewGuid():N}@example.com", "correct horse battery", null, default)).Value!;
        Assert.True((await accounts.MarkEmailVerifiedAsync(user.Id, user.Email, default)).Value);
        return user.Id;
    }

    /// <summary>Registers a passkey and returns what was stored for it.</summary>
    private async Task<PasskeyEntity> RegisterAsync(string userId, uint signCount = 0)
    {
        var start = (await passkeys.BeginRegistrationAsync(userId, purpose: null, default)).Value!;
        var result = await passkeys.RegisterAsync(
            Callers.Session(userId), start.ChallengeId, authenticator.Attest(start.Options, fixture.Origin, signCount: signCount), null, default);
        Assert.True(result.Succeeded, result.Problem?.Detail);
        return (await store.FindAsync(userId, result.Value.Id, default))!;
    }

    private static string Base64UrlOf(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static void AssertValidationOf(string field, Problem? problem)
    {
        Assert.NotNull(problem);
        Assert.Equal(ErrorCodes.ValidationFailed, problem.Code);
        Assert.True(problem.Errors!.ContainsKey(field), $"expected an error for '{field}', got: {string.Join(", ", problem.Errors.Keys)}");
    }

    private static void AssertInvalidCredentials(Problem? problem)
    {
        Assert.NotNull(problem);
        Assert.Equal(401, problem.Status);
        Assert.Equal(ErrorCodes.InvalidCredentials, problem.Code);
    }
}

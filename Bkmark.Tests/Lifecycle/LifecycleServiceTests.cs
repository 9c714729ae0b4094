using Azure.Data.Tables;
using Bkmark.Core.Accounts;
using Bkmark.Core.ApiKeys;
using Bkmark.Core.Library.Bookmarks;
using Bkmark.Core.Lifecycle;
using Bkmark.Core.Maintenance;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Sessions;
using Bkmark.Core.SignIn;
using Bkmark.Core.TwoFactor;
using OtpNet;

namespace Bkmark.Tests.Lifecycle;

/// <summary>
/// The lifecycle's rules against Azurite with a <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/>,
/// its outbox mocked to hand the test the links it would have emailed.
/// </summary>
public sealed class LifecycleServiceTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private const string NewPassword = "a brand new passphrase";
    private static readonly ClientInfo Browser = new("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Chrome/130.0", "203.0.113.7");

    private readonly LifecycleMail mail = new();
    private CoreServices core = null!;

    public async Task InitializeAsync() =>
        core = await CoreServices.StartAsync(configure: services => services.AddSingleton(mail.Outbox));

    public async Task DisposeAsync() => await core.DisposeAsync();

    private EmailVerificationService Verification => core.Get<EmailVerificationService>();
    private PasswordService Passwords => core.Get<PasswordService>();
    private EmailChangeService EmailChange => core.Get<EmailChangeService>();
    private AccountDeletionService Deletion => core.Get<AccountDeletionService>();

    [Fact]
    public async Task Register_SendsVerificationLink_ThatVerifiesTheEmailOnce()
    {
        var (user, email) = await RegisterAsync();
        var token = mail.LastToken(email, LifecycleEmails.VerifyEmail);
        var stored = await StorageDump.ReadAllAsync(core.Get<BkmarkTables>());

        var before = await ProfileAsync(user);
        var verified = await Verification.VerifyAsync(token, Browser, CancellationToken.None);
        var again = await Verification.VerifyAsync(token, Browser, CancellationToken.None);

        Assert.False(before.EmailVerified);
        Assert.True(verified.Succeeded);
        Assert.True((await ProfileAsync(user)).EmailVerified);
        Assert.Equal(ErrorCodes.InvalidToken, again.Problem?.Code);
        Assert.StartsWith("bkl_", token, StringComparison.Ordinal);
        Assert.DoesNotContain(token[4..], stored, StringComparison.Ordinal);
        Assert.Contains(await EventTypesAsync(user), t => t == SecurityEventTypes.EmailVerified);
    }

    [Fact]
    public async Task Resend_ReturnsTooManyAttempts_AfterFiveLinkEmailsInAnHour()
    {
        var (user, email) = await RegisterAsync();

        var resends = new List<Result<bool>>();
        for (var i = 0; i < 5; i++)
        {
            resends.Add(await Verification.ResendAsync(user, CancellationToken.None));
        }

        // Registration sent the first; four resends fill the hour.
        Assert.All(resends.Take(4), r => Assert.True(r.Succeeded));
        Assert.Equal(ErrorCodes.TooManyAttempts, resends[4].Problem?.Code);
        Assert.Equal(5, mail.To(email).Count);
    }

    [Fact]
    public async Task Resend_ReturnsConflict_WhenEmailIsVerified()
    {
        var (user, email) = await RegisterAsync();
        await Verification.VerifyAsync(mail.LastToken(email, LifecycleEmails.VerifyEmail), Browser, CancellationToken.None);

        var resent = await Verification.ResendAsync(user, CancellationToken.None);

        Assert.Equal(ErrorCodes.Conflict, resent.Problem?.Code);
    }

    [Fact]
    public async Task RequestReset_CostsTheSameStorageRequestsAndOneEmail_WhetherOrNotTheAccountExists()
    {
        var (_, known) = await RegisterAsync();
        var unknown = ApiTestClient.NewEmail();
        var before = mail.Sent.Count;

        core.StorageRequests.Clear();
        var forKnown = await Passwords.RequestResetAsync(known, CancellationToken.None);
        var knownRequests = Shape(core.StorageRequests.Requests);
        core.StorageRequests.Clear();
        var forUnknown = await Passwords.RequestResetAsync(unknown, CancellationToken.None);
        var unknownRequests = Shape(core.StorageRequests.Requests);

        Assert.True(forKnown.Succeeded);
        Assert.True(forUnknown.Succeeded);
        Assert.Equal(knownRequests, unknownRequests);
        Assert.Equal(before + 2, mail.Sent.Count);
        Assert.Equal(LifecycleEmails.PasswordResetLink, mail.To(known).Last().Template);
        Assert.Equal(LifecycleEmails.PasswordResetNoAccount, Assert.Single(mail.To(unknown)).Template);
        Assert.Null(mail.To(unknown).Single().SecretValues);
    }

    [Fact]
    public async Task CompleteReset_SetsThePassword_RevokesEverySession_AndTellsTheUser()
    {
        var (user, email) = await RegisterVerifiedAsync();
        await SignInAsync(email, Password);
        await SignInAsync(email, Password);
        var token = await RequestResetTokenAsync(email);

        var reset = await Passwords.CompleteResetAsync(token, NewPassword, null, Browser, CancellationToken.None);

        Assert.True(reset.Succeeded);
        Assert.Empty(await core.Get<SessionService>().ListActiveAsync(user, null, CancellationToken.None));
        Assert.Equal(ErrorCodes.InvalidCredentials, (await SignInAsync(email, Password)).Problem?.Code);
        Assert.True((await SignInAsync(email, NewPassword)).Succeeded);
        // Signing in again afterwards sends a new-device notice too: pick the reset's own email.
        var notice = Assert.Single(mail.To(email), m => m.Template == LifecycleEmails.PasswordWasReset);
        Assert.Equal("203.0.113.7", notice.Values["ipAddress"]);
        Assert.Equal("Chrome on macOS", notice.Values["browser"]);
        Assert.Contains(await EventTypesAsync(user), t => t == SecurityEventTypes.PasswordReset);
    }

    [Fact]
    public async Task CompleteReset_SucceedsOnce_WhenTwentyUseOneLinkAtOnce()
    {
        var (_, email) = await RegisterAsync();
        var token = await RequestResetTokenAsync(email);

        // Each from its own address, so the race is decided by the link, not the per-address throttle.
        var results = await Race.RunAsync(i => Passwords.CompleteResetAsync(
            token, $"{NewPassword} {i}", null, Browser with { IpAddress = $"198.51.100.{i + 1}" }, CancellationToken.None));

        var winner = Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(ErrorCodes.InvalidToken, r.Problem!.Code));
        var winning = Array.IndexOf(results, winner);
        Assert.True((await SignInAsync(email, $"{NewPassword} {winning}")).Succeeded);
    }

    [Fact]
    public async Task CompleteReset_ReturnsTokenExpired_AfterThirtyMinutes()
    {
        var (_, email) = await RegisterAsync();
        var token = await RequestResetTokenAsync(email);

        core.Time.Advance(TimeSpan.FromMinutes(30));
        var reset = await Passwords.CompleteResetAsync(token, NewPassword, null, Browser, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenExpired, reset.Problem?.Code);
        Assert.True((await SignInAsync(email, Password)).Succeeded);
    }

    [Fact]
    public async Task CompleteReset_RequiresTheSecondFactor_AndKeepsTheLinkUntilItIsGiven()
    {
        var (user, email) = await RegisterVerifiedAsync();
        var secret = await EnableTwoFactorAsync(user);
        var token = await RequestResetTokenAsync(email);

        var withoutCode = await Passwords.CompleteResetAsync(token, NewPassword, null, Browser, CancellationToken.None);
        var wrongCode = await Passwords.CompleteResetAsync(token, NewPassword, "000000", Browser, CancellationToken.None);
        core.Time.Advance(TimeSpan.FromSeconds(30));
        var withCode = await Passwords.CompleteResetAsync(token, NewPassword, CodeNow(secret), Browser, CancellationToken.None);

        Assert.Equal(ErrorCodes.TwoFactorRequired, withoutCode.Problem?.Code);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, wrongCode.Problem?.Code);
        Assert.True(withCode.Succeeded);
    }

    [Fact]
    public async Task CompleteReset_ReturnsTooManyAttempts_WhenOneAddressGuessesTooOften()
    {
        var guesses = new List<Result<bool>>();
        for (var i = 0; i < 11; i++)
        {
            guesses.Add(await Passwords.CompleteResetAsync("bkl_" + new string('A', 43), NewPassword, null, Browser, CancellationToken.None));
        }

        var otherAddress = await Passwords.CompleteResetAsync("bkl_" + new string('A', 43), NewPassword, null, Browser with { IpAddress = "192.0.2.1" }, CancellationToken.None);

        Assert.All(guesses.Take(10), g => Assert.Equal(ErrorCodes.InvalidToken, g.Problem?.Code));
        Assert.Equal(ErrorCodes.TooManyAttempts, guesses[10].Problem?.Code);
        Assert.Equal(ErrorCodes.InvalidToken, otherAddress.Problem?.Code);
    }

    [Fact]
    public async Task CompleteReset_NeverLocksTheAddressOut_WhenASpentOrExpiredLinkIsPresentedAgainAndAgain()
    {
        var (_, email) = await RegisterAsync();
        var spent = await RequestResetTokenAsync(email);
        Assert.True((await Passwords.CompleteResetAsync(spent, NewPassword, null, Browser, CancellationToken.None)).Succeeded);
        var (_, other) = await RegisterAsync();
        var expired = await RequestResetTokenAsync(other);
        core.Time.Advance(TimeSpan.FromMinutes(30));

        var again = new List<Result<bool>>();
        for (var i = 0; i < 12; i++)
        {
            again.Add(await Passwords.CompleteResetAsync(spent, NewPassword, null, Browser, CancellationToken.None));
            again.Add(await Passwords.CompleteResetAsync(expired, NewPassword, null, Browser, CancellationToken.None));
        }

        var (_, third) = await RegisterAsync();
        var fresh = await Passwords.CompleteResetAsync(await RequestResetTokenAsync(third), NewPassword, null, Browser, CancellationToken.None);

        Assert.All(again.Where((_, i) => i % 2 == 0), r => Assert.Equal(ErrorCodes.InvalidToken, r.Problem?.Code));
        Assert.All(again.Where((_, i) => i % 2 == 1), r => Assert.Equal(ErrorCodes.TokenExpired, r.Problem?.Code));
        Assert.True(fresh.Succeeded);
    }

    [Fact]
    public async Task VoidLinks_EndsEveryOutstandingLinkOfTheAccount_AndNoOneElses()
    {
        var (user, email) = await RegisterAsync();
        var reset = await RequestResetTokenAsync(email);
        var newEmail = ApiTestClient.NewEmail();
        Assert.True((await EmailChange.RequestAsync(SessionOf(user), newEmail, Password, deviceToken: null, Browser, CancellationToken.None)).Succeeded);
        var change = mail.LastToken(newEmail, LifecycleEmails.ConfirmEmailChange);
        var verify = mail.LastToken(email, LifecycleEmails.VerifyEmail);
        var (_, otherEmail) = await RegisterAsync();
        var othersReset = await RequestResetTokenAsync(otherEmail);

        var voided = await core.Get<LifecycleTokens>().VoidAsync(user, [LinkPurpose.ResetPassword, LinkPurpose.ChangeEmail], CancellationToken.None);
        var again = await core.Get<LifecycleTokens>().VoidAsync(user, [LinkPurpose.ResetPassword, LinkPurpose.ChangeEmail], CancellationToken.None);

        Assert.Equal(2, voided);
        Assert.Equal(0, again);
        Assert.Equal(ErrorCodes.InvalidToken, (await Passwords.CompleteResetAsync(reset, NewPassword, null, Browser, CancellationToken.None)).Problem?.Code);
        Assert.Equal(ErrorCodes.InvalidToken, (await EmailChange.ConfirmAsync(change, Browser, CancellationToken.None)).Problem?.Code);
        Assert.True((await Verification.VerifyAsync(verify, Browser, CancellationToken.None)).Succeeded);
        Assert.True((await Passwords.CompleteResetAsync(othersReset, NewPassword, null, Browser, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task VoidLinks_AndUsesOfOneLinkAtOnce_NeverBothWin()
    {
        var (user, email) = await RegisterAsync();
        var token = await RequestResetTokenAsync(email);

        var results = await Race.RunAsync(async i => i % 2 == 0
            ? (await Passwords.CompleteResetAsync(token, NewPassword, null, Browser with { IpAddress = $"198.51.100.{i + 1}" }, CancellationToken.None)).Succeeded ? 1 : 0
            : await core.Get<LifecycleTokens>().VoidAsync(user, [LinkPurpose.ResetPassword], CancellationToken.None));

        Assert.Equal(1, results.Sum());
    }

    [Fact]
    public async Task CompleteReset_RefusesAVerificationLink()
    {
        var (_, email) = await RegisterAsync();

        var reset = await Passwords.CompleteResetAsync(mail.LastToken(email, LifecycleEmails.VerifyEmail), NewPassword, null, Browser, CancellationToken.None);

        Assert.Equal(ErrorCodes.InvalidToken, reset.Problem?.Code);
    }

    [Fact]
    public async Task ChangePassword_RevokesOtherSessions_KeepsTheCurrentOne_AndTellsTheUser()
    {
        var (user, email) = await RegisterVerifiedAsync();
        var current = (await SignInAsync(email, Password)).Value!;
        await SignInAsync(email, Password);
        var caller = new Caller(user, CredentialType.Session, Scopes.All, null, SessionId: current.SessionId);

        var wrong = await Passwords.ChangeAsync(caller, "not the password", NewPassword, deviceToken: null, Browser, CancellationToken.None);
        var changed = await Passwords.ChangeAsync(caller, Password, NewPassword, deviceToken: null, Browser, CancellationToken.None);

        Assert.Equal(ErrorCodes.InvalidCredentials, wrong.Problem?.Code);
        Assert.True(changed.Succeeded);
        var left = Assert.Single(await core.Get<SessionService>().ListActiveAsync(user, null, CancellationToken.None));
        Assert.Equal(current.SessionId, left.Id);
        Assert.True((await SignInAsync(email, NewPassword)).Succeeded);
        Assert.Single(mail.To(email), m => m.Template == LifecycleEmails.PasswordChanged);
        Assert.Contains(await EventTypesAsync(user), t => t == SecurityEventTypes.PasswordChanged);
    }

    [Fact]
    public async Task ChangePassword_ReturnsValidationFailed_NamingTheField_WhenTheNewPasswordIsTooShort()
    {
        var (user, _) = await RegisterAsync();

        var changed = await Passwords.ChangeAsync(SessionOf(user), Password, "short", deviceToken: null, Browser, CancellationToken.None);

        Assert.Equal(ErrorCodes.ValidationFailed, changed.Problem?.Code);
        Assert.Contains("newPassword", changed.Problem!.Errors!.Keys);
    }

    [Fact]
    public async Task ChangeEmail_MovesTheAccountOnlyWhenTheNewAddressConfirms_AndTellsTheOldOne()
    {
        var (user, oldEmail) = await RegisterAsync();
        var newEmail = ApiTestClient.NewEmail();

        var requested = await EmailChange.RequestAsync(SessionOf(user), newEmail, Password, deviceToken: null, Browser, CancellationToken.None);
        var beforeConfirming = await ProfileAsync(user);
        var confirmed = await EmailChange.ConfirmAsync(mail.LastToken(newEmail, LifecycleEmails.ConfirmEmailChange), Browser, CancellationToken.None);

        Assert.True(requested.Succeeded);
        Assert.Equal(oldEmail, beforeConfirming.Email);
        Assert.Equal(new EmailChanged(newEmail, true), confirmed.Value);
        var profile = await ProfileAsync(user);
        Assert.Equal(newEmail, profile.Email);
        Assert.True(profile.EmailVerified);
        Assert.Equal(ErrorCodes.InvalidCredentials, (await SignInAsync(oldEmail, Password)).Problem?.Code);
        Assert.True((await SignInAsync(newEmail, Password)).Succeeded);
        Assert.Equal(LifecycleEmails.EmailChanged, mail.To(oldEmail).Last().Template);
        Assert.Contains(await EventTypesAsync(user), t => t == SecurityEventTypes.EmailChanged);
        // The old address is free for someone else.
        Assert.True((await Verification.RegisterAsync(oldEmail, Password, null, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task ConfirmEmailChange_ReturnsEmailTaken_WhenAnotherAccountRegisteredTheAddressMeanwhile()
    {
        var (user, oldEmail) = await RegisterAsync();
        var newEmail = ApiTestClient.NewEmail();
        await EmailChange.RequestAsync(SessionOf(user), newEmail, Password, deviceToken: null, Browser, CancellationToken.None);
        await Verification.RegisterAsync(newEmail, Password, null, CancellationToken.None);

        var confirmed = await EmailChange.ConfirmAsync(mail.LastToken(newEmail, LifecycleEmails.ConfirmEmailChange), Browser, CancellationToken.None);

        Assert.Equal(ErrorCodes.EmailTaken, confirmed.Problem?.Code);
        Assert.Equal(oldEmail, (await ProfileAsync(user)).Email);
        Assert.True((await SignInAsync(oldEmail, Password)).Succeeded);
    }

    [Fact]
    public async Task ChangeEmail_ToTheSameAddressTwiceAtOnce_LeavesOneOwner()
    {
        var (first, _) = await RegisterAsync();
        var (second, _) = await RegisterAsync();
        var contested = ApiTestClient.NewEmail();
        await EmailChange.RequestAsync(SessionOf(first), contested, Password, deviceToken: null, Browser, CancellationToken.None);
        var firstToken = mail.LastToken(contested, LifecycleEmails.ConfirmEmailChange);
        await EmailChange.RequestAsync(SessionOf(second), contested, Password, deviceToken: null, Browser, CancellationToken.None);
        var secondToken = mail.LastToken(contested, LifecycleEmails.ConfirmEmailChange);

        var results = await Task.WhenAll(
            EmailChange.ConfirmAsync(firstToken, Browser, CancellationToken.None),
            EmailChange.ConfirmAsync(secondToken, Browser, CancellationToken.None));

        Assert.Single(results, r => r.Succeeded);
        Assert.Single(results, r => r.Problem?.Code == ErrorCodes.EmailTaken);
        var owners = new[] { await ProfileAsync(first), await ProfileAsync(second) }.Count(p => p.Email == contested);
        Assert.Equal(1, owners);
    }

    [Fact]
    public async Task ClaimEmail_ClearsAStaleClaim_OnlyAfterItSettled()
    {
        // A change that crashed after claiming the new address but before the user carried it.
        var (user, _) = await RegisterAsync();
        var stranded = ApiTestClient.NewEmail();
        var users = core.Get<UserStore>();
        Assert.True(await users.TryClaimEmailAsync(stranded, user, CancellationToken.None));

        var whileFresh = await Verification.RegisterAsync(stranded, Password, null, CancellationToken.None);
        core.Time.Advance(UserStore.ClaimSettleTime);
        var afterSettling = await Verification.RegisterAsync(stranded, Password, null, CancellationToken.None);

        Assert.Equal(ErrorCodes.EmailTaken, whileFresh.Problem?.Code);
        Assert.True(afterSettling.Succeeded);
        Assert.Equal(afterSettling.Value!.Id, (await users.FindByEmailAsync(stranded, CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task Delete_StopsSessionsKeysAndPasskeysAtOnce_FreesTheEmail_AndTheSweepErasesTheLibrary()
    {
        var (user, email) = await RegisterVerifiedAsync();
        await core.Get<AccountService>().SetPlanAsync(user, Plans.Pro, CancellationToken.None);
        var session = (await SignInAsync(email, Password)).Value!;
        var caller = new Caller(user, CredentialType.Session, Scopes.All, null, SessionId: session.SessionId);
        var key = await core.Get<ApiKeyService>().CreateAsync(caller, new NewApiKey("script", [Scopes.BookmarksRead], null, null), CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await core.Get<BookmarkService>().CreateAsync(user, new BookmarkInput($"https://example.com/{i}", null, null, null, null, null), CancellationToken.None);
        }

        var deleted = await Deletion.DeleteAsync(caller, new AccountDeletionProof(Password, null, null), Browser, CancellationToken.None);

        Assert.True(deleted.Succeeded);
        Assert.Equal(ErrorCodes.TokenRevoked, (await core.Get<SignInService>().RefreshAsync(session.RefreshToken, CancellationToken.None)).Problem?.Code);
        Assert.Equal(ErrorCodes.TokenRevoked, (await core.Get<IApiKeyVerifier>().VerifyAsync(key.Value!.Key, new ClientInfo(null, null), CancellationToken.None)).Problem?.Code);
        Assert.Equal(ErrorCodes.InvalidCredentials, (await SignInAsync(email, Password)).Problem?.Code);
        Assert.Equal(ErrorCodes.NotFound, (await core.Get<AccountService>().GetProfileAsync(user, CancellationToken.None)).Problem?.Code);
        Assert.Equal(LifecycleEmails.AccountDeleted, mail.To(email).Last().Template);
        Assert.Contains(await EventTypesAsync(user), t => t == SecurityEventTypes.AccountDeleted);
        Assert.True((await Verification.RegisterAsync(email, Password, null, CancellationToken.None)).Succeeded);

        core.Time.Advance(TimeSpan.FromMinutes(30));
        await core.Get<ExpirySweeper>().RunAsync(CancellationToken.None);
        Assert.Null(await core.Get<UserStore>().FindByIdAsync(user, CancellationToken.None));
        Assert.Empty((await core.Get<BookmarkService>().ListAsync(user, new BookmarkQuery(null, null, null, null), CancellationToken.None)).Value!.Data);
    }

    [Fact]
    public async Task EraseHandler_ErasesALargeLibraryABatchPerRun_ThenTheAccount()
    {
        await using var core = await CoreServices.StartAsync(
            new Dictionary<string, string?> { ["Lifecycle:EraseBatchSize"] = "100" }, services => services.AddSingleton(mail.Outbox));
        var email = ApiTestClient.NewEmail();
        var user = (await core.Get<EmailVerificationService>().RegisterAsync(email, Password, null, CancellationToken.None)).Value!.Id;
        for (var i = 0; i < 120; i++)
        {
            Assert.True((await core.Get<BookmarkService>().CreateAsync(user, new BookmarkInput($"https://example.com/{i}", null, null, null, null, null), CancellationToken.None)).Succeeded);
        }

        var caller = new Caller(user, CredentialType.Session, Scopes.All, null, SessionId: "s") { AuthenticatedAt = core.Time.GetUtcNow() };
        Assert.True((await core.Get<AccountDeletionService>().DeleteAsync(caller, new AccountDeletionProof(null, null, null), Browser, CancellationToken.None)).Succeeded);
        var handler = core.Get<IEnumerable<IExpiryHandler>>().Single(h => h.Kind == AccountEraseHandler.KindName);
        var target = new ExpiryTarget(AccountEraseHandler.KindName, user, UserEntity.ProfileRowKey);

        // 120 bookmarks and their URL index entries, plus the ledger: three runs of at most 100 rows.
        var runs = new List<ExpiryOutcome>();
        for (var i = 0; i < 4; i++)
        {
            runs.Add(await handler.ExpireAsync(target, core.Time.GetUtcNow(), CancellationToken.None));
        }

        Assert.All(runs.Take(2), r => Assert.IsType<ExpiryOutcome.Later>(r));
        Assert.Equal(ExpiryOutcome.Done, runs[2]);
        Assert.Equal(ExpiryOutcome.Nothing, runs[3]);
        Assert.Null(await core.Get<UserStore>().FindByIdAsync(user, CancellationToken.None));
    }

    [Fact]
    public async Task Delete_WithoutPassword_ReturnsReauthenticationRequired_WhenTheSignInIsOld()
    {
        var (user, _) = await RegisterAsync();
        var stale = new Caller(user, CredentialType.Session, Scopes.All, null, SessionId: "s") { AuthenticatedAt = core.Time.GetUtcNow().AddMinutes(-11) };
        var fresh = stale with { AuthenticatedAt = core.Time.GetUtcNow() };

        var refused = await Deletion.DeleteAsync(stale, new AccountDeletionProof(null, null, null), Browser, CancellationToken.None);
        var deleted = await Deletion.DeleteAsync(fresh, new AccountDeletionProof(null, null, null), Browser, CancellationToken.None);

        Assert.Equal(ErrorCodes.ReauthenticationRequired, refused.Problem?.Code);
        Assert.True(deleted.Succeeded);
    }

    [Fact]
    public async Task Sweep_DeletesLinkTokens_OnceTheyExpire()
    {
        var (_, email) = await RegisterAsync();
        var token = await RequestResetTokenAsync(email);

        core.Time.Advance(TimeSpan.FromDays(2));
        await core.Get<ExpirySweeper>().RunAsync(CancellationToken.None);
        var afterSweep = await Passwords.CompleteResetAsync(token, NewPassword, null, Browser, CancellationToken.None);

        // Gone, not merely expired: an unknown link, and the table holds nothing of it.
        Assert.Equal(ErrorCodes.InvalidToken, afterSweep.Problem?.Code);
        Assert.Empty(await core.Get<BkmarkTables>().EveryAccount(TableNames.LifecycleTokens).QueryAllAsync<TableEntity>(null, null, CancellationToken.None).ToListAsync());
        Assert.Empty(await core.Get<BkmarkTables>().EveryAccount(TableNames.SingleUseTokenHolders).QueryAllAsync<TableEntity>(null, null, CancellationToken.None).ToListAsync());
    }

    /// <summary>A registered account whose address is confirmed: one never confirmed is reclaimed by a reset (DESIGN.md §14).</summary>
    private async Task<(string UserId, string Email)> RegisterVerifiedAsync()
    {
        var (user, email) = await RegisterAsync();
        Assert.True((await core.Get<AccountService>().MarkEmailVerifiedAsync(user, email, CancellationToken.None)).Value);
        return (user, email);
    }

    private async Task<(string UserId, string Email)> RegisterAsync()
    {
        var email = ApiTestClient.NewEmail();
        var user = await Verification.RegisterAsync(email, Password, null, CancellationToken.None);
        return (user.Value!.Id, email);
    }

    private async Task<string> RequestResetTokenAsync(string email)
    {
        await Passwords.RequestResetAsync(email, CancellationToken.None);
        return mail.LastToken(email, LifecycleEmails.PasswordResetLink);
    }

    private Task<Result<TokenResponse>> SignInAsync(string email, string password) =>
        core.Get<SignInService>().SignInWithPasswordAsync(new PasswordSignIn(email, password, null, null), Browser, CancellationToken.None);

    private async Task<UserProfile> ProfileAsync(string userId) =>
        (await core.Get<AccountService>().GetProfileAsync(userId, CancellationToken.None)).Value!;

    private async Task<IEnumerable<string>> EventTypesAsync(string userId) =>
        (await core.Get<SecurityEventLog>().ListAsync(userId, null, null, CancellationToken.None)).Value!.Data.Select(e => e.Type);

    private Caller SessionOf(string userId) =>
        new(userId, CredentialType.Session, Scopes.All, null, SessionId: "s") { AuthenticatedAt = core.Time.GetUtcNow() };

    private async Task<string> EnableTwoFactorAsync(string userId)
    {
        var twoFactor = core.Get<TwoFactorService>();
        var secret = (await twoFactor.SetupAsync(SessionOf(userId), CancellationToken.None)).Value!.Secret;
        Assert.True((await twoFactor.EnableAsync(SessionOf(userId), CodeNow(secret), CancellationToken.None)).Succeeded);
        return secret;
    }

    private string CodeNow(string secret) => TotpCalculator.Default.Compute(Base32Encoding.ToBytes(secret), core.Time.GetUtcNow());

    private static List<string> Shape(IEnumerable<StorageRequest> requests) =>
        requests.Select(r => $"{r.Method} {(r.IsPointRead ? "point" : r.IsWrite ? "write" : "query")} {TableOf(r.Uri)}").ToList();

    // "/devstoreaccount1/uabcdUsers(PartitionKey='…',RowKey='…')" → "uabcdUsers"
    private static string TableOf(Uri uri) => uri.AbsolutePath.Split('/')[^1].Split('(')[0];
}

using Azure.Data.Tables;
using Bkmark.Core.Accounts;
using Bkmark.Core.Credentials;
using Bkmark.Core.Sessions;
using Bkmark.Core.SignIn;
using Bkmark.Core.TwoFactor;
using OtpNet;

namespace Bkmark.Tests.TwoFactor;

/// <summary>Two-factor rules through the Core services, against Azurite, with fake time.</summary>
public sealed class TwoFactorServiceTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private static readonly ClientInfo Client = new("xunit", "203.0.113.9");
    private CoreServices core = null!;
    private TwoFactorService twoFactor = null!;
    private SignInService signIn = null!;

    public async Task InitializeAsync()
    {
        core = await CoreServices.StartAsync();
        twoFactor = core.Get<TwoFactorService>();
        signIn = core.Get<SignInService>();
    }

    public async Task DisposeAsync() => await core.DisposeAsync();

    [Fact]
    public async Task Setup_ReturnsSecretUriAndQrCode_InTheDocumentedFormat()
    {
        // Arrange
        var user = await RegisterAsync("setup@example.com");

        // Act
        var setup = (await twoFactor.SetupAsync(SessionOf(user.Id), CancellationToken.None)).Value!;

        // Assert
        Assert.Matches("^[A-Z2-7]{32}$", setup.Secret); // 160 bits in base32, no padding
        Assert.Equal(20, Base32Encoding.ToBytes(setup.Secret).Length);
        Assert.Equal(
            $"otpauth://totp/Bkmark:setup%40example.com?secret={setup.Secret}&issuer=Bkmark&algorithm=SHA1&digits=6&period=30",
            setup.OtpauthUri);
        Assert.StartsWith("<svg", setup.QrCodeSvg.TrimStart(), StringComparison.Ordinal);
        Assert.False((await twoFactor.GetStatusAsync(user.Id, CancellationToken.None)).Enabled);
    }

    [Fact]
    public async Task Setup_ReplacesPendingSecret_WhenCalledAgain()
    {
        // Arrange
        var user = await RegisterAsync("again@example.com");
        var first = (await twoFactor.SetupAsync(SessionOf(user.Id), CancellationToken.None)).Value!;
        var second = (await twoFactor.SetupAsync(SessionOf(user.Id), CancellationToken.None)).Value!;

        // Act
        var withFirst = await twoFactor.EnableAsync(SessionOf(user.Id), CodeAt(first.Secret, Now), CancellationToken.None);
        var withSecond = await twoFactor.EnableAsync(SessionOf(user.Id), CodeAt(second.Secret, Now), CancellationToken.None);

        // Assert
        Assert.NotEqual(first.Secret, second.Secret);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, withFirst.Problem?.Code);
        Assert.True(withSecond.Succeeded);
    }

    [Fact]
    public async Task Setup_ReturnsReauthenticationRequired_WhenEnabledAndTheProofWasACodeFromTheApp()
    {
        // Arrange
        var (user, _, _) = await EnrolAsync("enabled@example.com");

        // Act
        var setup = await twoFactor.SetupAsync(SessionOf(user.Id), CancellationToken.None);

        // Assert
        Assert.Equal(403, setup.Problem?.Status);
        Assert.Equal(ErrorCodes.ReauthenticationRequired, setup.Problem?.Code);
    }

    [Theory]
    [InlineData(AuthMethods.PasswordAndBackupCode)]
    [InlineData(AuthMethods.Passkey)]
    public async Task Setup_WhileEnabled_KeepsTheOldSecretUntilACodeFromTheNewOneEnablesIt(string proofMethod)
    {
        // Arrange
        var (user, oldSecret, oldCodes) = await EnrolAsync($"replace-{proofMethod.Replace('+', '-')}@example.com");

        // Act
        var setup = (await twoFactor.SetupAsync(SessionOf(user.Id, proofMethod), CancellationToken.None)).Value!;
        var withOldApp = await SignInAsync(user.Email, Password, CodeAt(oldSecret, Now));
        var enabled = await twoFactor.EnableAsync(SessionOf(user.Id), CodeAt(setup.Secret, Now), CancellationToken.None);
        core.Time.Advance(TimeSpan.FromSeconds(30));
        var oldAppAfter = await SignInAsync(user.Email, Password, CodeAt(oldSecret, Now));
        var oldCodeAfter = await SignInAsync(user.Email, Password, oldCodes[0]);
        var newApp = await SignInAsync(user.Email, Password, CodeAt(setup.Secret, Now));

        // Assert
        Assert.True(withOldApp.Succeeded);
        Assert.True(enabled.Value!.Replaced);
        Assert.Equal(BackupCodes.Count, enabled.Value.BackupCodes.Count);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, oldAppAfter.Problem?.Code);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, oldCodeAfter.Problem?.Code);
        Assert.True(newApp.Succeeded);
    }

    [Fact]
    public async Task Enable_ReturnsEightBackupCodes_AndTurnsTheUserFlagOn()
    {
        // Arrange
        var user = await RegisterAsync("enable@example.com");
        var setup = (await twoFactor.SetupAsync(SessionOf(user.Id), CancellationToken.None)).Value!;

        // Act
        var codes = await twoFactor.EnableAsync(SessionOf(user.Id), CodeAt(setup.Secret, Now), CancellationToken.None);

        // Assert
        Assert.Equal(8, codes.Value!.BackupCodes.Count);
        var status = await twoFactor.GetStatusAsync(user.Id, CancellationToken.None);
        Assert.Equal(new TwoFactorStatus(true, Now, 8), status);
        Assert.True((await core.Get<AccountService>().GetProfileAsync(user.Id, CancellationToken.None)).Value!.TwoFactorEnabled);
    }

    [Fact]
    public async Task Enable_ReturnsInvalidCode_WhenCodeIsWrong_AndStaysPending()
    {
        // Arrange
        var user = await RegisterAsync("wrong@example.com");
        var setup = (await twoFactor.SetupAsync(SessionOf(user.Id), CancellationToken.None)).Value!;

        // Act
        var result = await twoFactor.EnableAsync(SessionOf(user.Id), OtherCode(CodeAt(setup.Secret, Now)), CancellationToken.None);

        // Assert
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, result.Problem?.Code);
        Assert.Equal(401, result.Problem?.Status);
        Assert.False((await twoFactor.GetStatusAsync(user.Id, CancellationToken.None)).Enabled);
    }

    [Fact]
    public async Task Enable_ReturnsConflict_WhenNoSetupIsPending()
    {
        // Arrange
        var user = await RegisterAsync("nosetup@example.com");

        // Act
        var result = await twoFactor.EnableAsync(SessionOf(user.Id), "123456", CancellationToken.None);

        // Assert
        Assert.Equal(ErrorCodes.Conflict, result.Problem?.Code);
    }

    [Fact]
    public async Task SignIn_ReturnsTwoFactorRequired_OnlyAfterTheRightPassword()
    {
        // Arrange
        var (user, _, _) = await EnrolAsync("required@example.com");

        // Act
        var noCode = await SignInAsync(user.Email, Password, null);
        var wrongPassword = await SignInAsync(user.Email, "wrong password!", null);

        // Assert
        Assert.Equal(ErrorCodes.TwoFactorRequired, noCode.Problem?.Code);
        Assert.Equal(401, noCode.Problem?.Status);
        Assert.Equal(ErrorCodes.InvalidCredentials, wrongPassword.Problem?.Code);
    }

    [Fact]
    public async Task SignIn_WithTotp_StartsAPasswordPlusTotpSession()
    {
        // Arrange
        var (user, secret, _) = await EnrolAsync("totp@example.com");

        // Act
        var tokens = await SignInAsync(user.Email, Password, CodeAt(secret, Now));

        // Assert
        var session = await core.Get<SessionStore>().FindAsync(user.Id, tokens.Value!.SessionId, CancellationToken.None);
        Assert.Equal(AuthMethods.PasswordAndTotp, session!.AuthMethod);
    }

    [Fact]
    public async Task SignIn_WithoutTwoFactor_StaysPasswordOnly_EvenWithASetupPending()
    {
        // Arrange
        var user = await RegisterAsync("pending@example.com");
        await twoFactor.SetupAsync(SessionOf(user.Id), CancellationToken.None);

        // Act
        var tokens = await SignInAsync(user.Email, Password, null);

        // Assert
        var session = await core.Get<SessionStore>().FindAsync(user.Id, tokens.Value!.SessionId, CancellationToken.None);
        Assert.Equal(AuthMethods.Password, session!.AuthMethod);
    }

    [Fact]
    public async Task SignIn_RefusesReplay_WhenCodeWasAlreadyAccepted()
    {
        // Arrange
        var (user, secret, _) = await EnrolAsync("replay@example.com");
        var code = CodeAt(secret, Now);
        var first = await SignInAsync(user.Email, Password, code);

        // Act
        var replay = await SignInAsync(user.Email, Password, code);

        // Assert
        Assert.True(first.Succeeded);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, replay.Problem?.Code);
    }

    [Fact]
    public async Task SignIn_RefusesCodeOfStepTMinus1_AfterStepTWasAccepted()
    {
        // Arrange: the enable consumed step S; now is S+2, so S+1 and S+2 are both inside the window.
        var (user, secret, _) = await EnrolAsync("older@example.com");
        core.Time.Advance(TimeSpan.FromSeconds(30));
        var stepT = await SignInAsync(user.Email, Password, CodeAt(secret, Now));

        // Act
        var stepTMinus1 = await SignInAsync(user.Email, Password, CodeAt(secret, Now.AddSeconds(-30)));

        // Assert
        Assert.True(stepT.Succeeded);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, stepTMinus1.Problem?.Code);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(2)]
    public async Task SignIn_RefusesCode_WhenTwoStepsAway(int offset)
    {
        // Arrange
        var (user, secret, _) = await EnrolAsync("drift@example.com");
        core.Time.Advance(TimeSpan.FromMinutes(5));

        // Act
        var result = await SignInAsync(user.Email, Password, CodeAt(secret, Now.AddSeconds(30 * offset)));

        // Assert
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, result.Problem?.Code);
    }

    [Theory]
    [InlineData(" {0}")]
    [InlineData("+{0}")]
    [InlineData("{0}0")]
    [InlineData("arabic")]
    public async Task SignIn_RefusesCorrectCode_WhenNotExactlySixAsciiDigits(string shape)
    {
        // Arrange
        var (user, secret, _) = await EnrolAsync("format@example.com");
        var code = CodeAt(secret, Now);
        var presented = shape == "arabic"
            ? new string(code.Select(c => (char)('\u0660' + (c - '0'))).ToArray())
            : string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, code);

        // Act
        var refused = await SignInAsync(user.Email, Password, presented);
        var plain = await SignInAsync(user.Email, Password, code);

        // Assert: refused as an invalid code, and the real code was not consumed by it.
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, refused.Problem?.Code);
        Assert.True(plain.Succeeded);
    }

    [Fact]
    public async Task SignIn_ConcurrentLoginsWithOneTotpCode_ExactlyOneSucceeds()
    {
        // Arrange
        var (user, secret, _) = await EnrolAsync("race@example.com");
        var code = CodeAt(secret, Now);

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Task.Run(() => SignInAsync(user.Email, Password, code))));

        // Assert
        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r =>
            Assert.Contains(r.Problem!.Code, new[] { ErrorCodes.InvalidTwoFactorCode, ErrorCodes.TooManyAttempts }));
        Assert.Single(await core.Get<SessionStore>().ListAsync(user.Id, CancellationToken.None));
    }

    [Fact]
    public async Task SignIn_AcceptsBackupCodeOnce_InAnyCaseWithOrWithoutDash()
    {
        // Arrange
        var (user, _, codes) = await EnrolAsync("backup@example.com");
        var typed = codes[0].Replace("-", "", StringComparison.Ordinal).ToUpperInvariant();

        // Act
        var first = await SignInAsync(user.Email, Password, typed);
        var again = await SignInAsync(user.Email, Password, codes[0]);

        // Assert
        Assert.True(first.Succeeded);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, again.Problem?.Code);
        Assert.Equal(7, (await twoFactor.GetStatusAsync(user.Id, CancellationToken.None)).BackupCodesRemaining);
        var session = await core.Get<SessionStore>().FindAsync(user.Id, first.Value!.SessionId, CancellationToken.None);
        Assert.Equal(AuthMethods.PasswordAndTotp, session!.AuthMethod);
    }

    [Fact]
    public async Task SignIn_ConcurrentUsesOfOneBackupCode_ExactlyOneSucceeds_AndOneCodeIsGone()
    {
        // Arrange
        var (user, _, codes) = await EnrolAsync("backuprace@example.com");

        // Act
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Task.Run(() => SignInAsync(user.Email, Password, codes[3]))));

        // Assert
        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(7, (await twoFactor.GetStatusAsync(user.Id, CancellationToken.None)).BackupCodesRemaining);
    }

    [Fact]
    public async Task SignIn_RefusesBackupCode_OfAnotherUser()
    {
        // Arrange
        var (_, _, codesOfA) = await EnrolAsync("a@example.com");
        var (userB, _, _) = await EnrolAsync("b@example.com");

        // Act
        var result = await SignInAsync(userB.Email, Password, codesOfA[0]);

        // Assert
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, result.Problem?.Code);
    }

    [Fact]
    public async Task SignIn_LocksOutAfterFiveBadCodes_AndRefusesEvenACorrectCode_UntilTheLockEnds()
    {
        // Arrange
        var (user, secret, _) = await EnrolAsync("throttle@example.com");
        var wrong = OtherCode(CodeAt(secret, Now));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ErrorCodes.InvalidTwoFactorCode, (await SignInAsync(user.Email, Password, wrong)).Problem?.Code);
        }

        // Act
        var locked = await SignInAsync(user.Email, Password, CodeAt(secret, Now));
        var passwordStillChecked = await SignInAsync(user.Email, "wrong password!", null);
        core.Time.Advance(TimeSpan.FromMinutes(15));
        var afterLock = await SignInAsync(user.Email, Password, CodeAt(secret, Now));

        // Assert
        Assert.Equal(429, locked.Problem?.Status);
        Assert.Equal(ErrorCodes.TooManyAttempts, locked.Problem?.Code);
        Assert.Equal(TimeSpan.FromMinutes(15), locked.Problem?.RetryAfter);
        Assert.Equal(ErrorCodes.InvalidCredentials, passwordStillChecked.Problem?.Code); // a separate throttle
        Assert.True(afterLock.Succeeded);
    }

    [Fact]
    public async Task Disable_NeedsACurrentTotpCode_ThenRemovesSecretAndBackupCodes()
    {
        // Arrange
        var (user, secret, codes) = await EnrolAsync("disable@example.com");

        // Act
        var wrong = await twoFactor.DisableAsync(SessionOf(user.Id), OtherCode(CodeAt(secret, Now)), CancellationToken.None);
        var withBackupCode = await twoFactor.DisableAsync(SessionOf(user.Id), codes[0], CancellationToken.None);
        var stale = await twoFactor.DisableAsync(SessionOf(user.Id), CodeAt(secret, Now.AddMinutes(-2)), CancellationToken.None);
        var disabled = await twoFactor.DisableAsync(SessionOf(user.Id), CodeAt(secret, Now), CancellationToken.None);

        // Assert
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, wrong.Problem?.Code);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, withBackupCode.Problem?.Code);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, stale.Problem?.Code);
        Assert.False(disabled.Value!.Enabled);
        Assert.Equal(TwoFactorStatus.Off, await twoFactor.GetStatusAsync(user.Id, CancellationToken.None));
        Assert.False((await core.Get<AccountService>().GetProfileAsync(user.Id, CancellationToken.None)).Value!.TwoFactorEnabled);
        Assert.Empty(await RowsOfAsync(user.Id));
        var passwordOnly = await SignInAsync(user.Email, Password, null);
        Assert.True(passwordOnly.Succeeded);
    }

    [Fact]
    public async Task RegenerateBackupCodes_NeedsACurrentCode_AndVoidsTheOldSet()
    {
        // Arrange
        var (user, secret, oldCodes) = await EnrolAsync("regen@example.com");

        // Act
        var withBackupCode = await twoFactor.RegenerateBackupCodesAsync(SessionOf(user.Id), oldCodes[1], CancellationToken.None);
        var regenerated = await twoFactor.RegenerateBackupCodesAsync(SessionOf(user.Id), CodeAt(secret, Now), CancellationToken.None);
        var oldCode = await SignInAsync(user.Email, Password, oldCodes[0]);
        var newCode = await SignInAsync(user.Email, Password, regenerated.Value![0]);

        // Assert
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, withBackupCode.Problem?.Code);
        Assert.Equal(8, regenerated.Value.Count);
        Assert.Empty(regenerated.Value.Intersect(oldCodes));
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, oldCode.Problem?.Code);
        Assert.True(newCode.Succeeded);
        Assert.Equal(7, (await twoFactor.GetStatusAsync(user.Id, CancellationToken.None)).BackupCodesRemaining);
    }

    [Fact]
    public async Task SignIn_RefusesOldSetCode_EvenWhenItsRowSurvivedARegeneration()
    {
        // Arrange: regenerate, then put an old-set row back, as a crash before the clean-up would leave it.
        var (user, secret, oldCodes) = await EnrolAsync("survivor@example.com");
        var oldGeneration = (await core.Get<TwoFactorStore>().FindAsync(user.Id, CancellationToken.None))!.BackupCodeGeneration!;
        await twoFactor.RegenerateBackupCodesAsync(SessionOf(user.Id), CodeAt(secret, Now), CancellationToken.None);
        var hash = core.Get<CredentialHasher>().Hash(BackupCodes.Normalize(oldCodes[0])!);
        await core.Get<TwoFactorStore>().AddBackupCodesAsync(user.Id, oldGeneration, [hash], Now, CancellationToken.None);

        // Act
        var result = await SignInAsync(user.Email, Password, oldCodes[0]);

        // Assert
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, result.Problem?.Code);
    }

    [Fact]
    public async Task Storage_HoldsNoPlaintextSecretOrBackupCode()
    {
        // Arrange
        var (_, secret, codes) = await EnrolAsync("scan@example.com");

        // Act
        var dump = await StorageDump.ReadAllAsync(core.Get<BkmarkTables>());

        // Assert
        Assert.Contains("TwoFactor", dump, StringComparison.Ordinal); // the scan did see the two-factor rows
        Assert.DoesNotContain(secret, dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToHexStringLower(Base32Encoding.ToBytes(secret)), dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(Base32Encoding.ToBytes(secret)), dump, StringComparison.Ordinal);
        foreach (var code in codes)
        {
            Assert.DoesNotContain(code, dump, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(code.Replace("-", "", StringComparison.Ordinal), dump, StringComparison.OrdinalIgnoreCase);
        }
    }

    private DateTimeOffset Now => core.Time.GetUtcNow();

    /// <summary>A session of <paramref name="userId"/> that proved itself just now, by <paramref name="proofMethod"/>.</summary>
    private Caller SessionOf(string userId, string proofMethod = AuthMethods.PasswordAndTotp) =>
        new(userId, CredentialType.Session, Scopes.All, null, SessionId: "s") { AuthenticatedAt = Now, ProofMethod = proofMethod };

    private static string CodeAt(string base32Secret, DateTimeOffset time) =>
        TotpCalculator.Default.Compute(Base32Encoding.ToBytes(base32Secret), time);

    /// <summary>A well-formed code that is not <paramref name="code"/>.</summary>
    private static string OtherCode(string code) => ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private Task<Result<TokenResponse>> SignInAsync(string email, string password, string? twoFactorCode) =>
        signIn.SignInWithPasswordAsync(new PasswordSignIn(email, password, twoFactorCode, DeviceToken: null), Client, CancellationToken.None);

    private Task<NewAccount> RegisterAsync(string email) => core.RegisterVerifiedAsync(email, Password);

    /// <summary>
    /// A user with two-factor on (enabled with the code of the current step), the clock then moved one
    /// step on so the current code is a fresh one. Returns the secret and the backup codes.
    /// </summary>
    private async Task<(NewAccount User, string Secret, IReadOnlyList<string> BackupCodes)> EnrolAsync(string email)
    {
        var user = await RegisterAsync(email);
        var setup = (await twoFactor.SetupAsync(SessionOf(user.Id), CancellationToken.None)).Value!;
        var codes = (await twoFactor.EnableAsync(SessionOf(user.Id), CodeAt(setup.Secret, Now), CancellationToken.None)).Value!.BackupCodes;
        core.Time.Advance(TimeSpan.FromSeconds(30));
        return (user, setup.Secret, codes);
    }

    private async Task<List<TableEntity>> RowsOfAsync(string userId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in core.Get<BkmarkTables>()[TableNames.TwoFactor, userId].QueryAsync<TableEntity>(e => e.PartitionKey == userId))
        {
            rows.Add(row);
        }

        return rows;
    }
}

using Bkmark.Core.Accounts;
using Bkmark.Core.Authorization;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Throttling;
using OtpNet;
using QRCoder;

namespace Bkmark.Core.TwoFactor;

/// <summary>
/// TOTP two-factor authentication: setup, enabling, the second factor at sign-in, backup codes, disabling, and
/// replacing a lost authenticator after a proof with a backup code or a passkey (DESIGN §14). Every code check is throttled per user (separately from passwords), and every accepted TOTP code
/// moves the user's last accepted time step forward with an ETag-conditional write, so a code is
/// accepted once even when many requests present it at the same moment.
/// </summary>
public sealed partial class TwoFactorService
{
    // RFC 4226 §4 R6 recommends 160-bit shared secrets.
    private const int SecretBytes = 20;
    private const int QrPixelsPerModule = 4;

    private readonly TwoFactorStore store;
    private readonly AccountDirectory users;
    private readonly TotpSecretProtector protector;
    private readonly CredentialHasher hasher;
    private readonly AttemptThrottle throttle;
    private readonly StepUp stepUp;
    private readonly IdGenerator ids;
    private readonly TimeProvider time;
    private readonly SecurityEventLog securityLog;
    private readonly ILogger<TwoFactorService> logger;
    private readonly TwoFactorOptions options;
    private readonly ThrottlePolicy policy;

    internal TwoFactorService(
        TwoFactorStore store,
        AccountDirectory users,
        TotpSecretProtector protector,
        CredentialHasher hasher,
        AttemptThrottle throttle,
        StepUp stepUp,
        IdGenerator ids,
        TimeProvider time,
        SecurityEventLog securityLog,
        IOptions<TwoFactorOptions> options,
        ILogger<TwoFactorService> logger)
    {
        this.store = store;
        this.users = users;
        this.protector = protector;
        this.hasher = hasher;
        this.throttle = throttle;
        this.stepUp = stepUp;
        this.ids = ids;
        this.time = time;
        this.securityLog = securityLog;
        this.logger = logger;
        this.options = options.Value;
        this.policy = new ThrottlePolicy("two-factor", options.Value.MaxFailedAttempts, options.Value.Lockout, options.Value.Lockout);
    }

    public async Task<TwoFactorStatus> GetStatusAsync(string userId, CancellationToken cancellationToken)
    {
        var entity = await store.FindAsync(userId, cancellationToken);
        if (entity is not { Enabled: true })
        {
            return TwoFactorStatus.Off;
        }

        var remaining = entity.BackupCodeGeneration is { } generation
            ? await store.CountBackupCodesAsync(userId, generation, cancellationToken)
            : 0;
        return new TwoFactorStatus(true, entity.EnabledAt, remaining);
    }

    /// <summary>
    /// Creates a new secret, pending until <see cref="EnableAsync"/> confirms it; replaces a pending one.
    /// The secret is returned here and never again. While two-factor is on this replaces the authenticator
    /// (DESIGN §14): it needs a recent proof with a backup code or a passkey, and the current secret keeps
    /// working until a code from the new one enables it.
    /// </summary>
    public async Task<Result<TotpSetup>> SetupAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var userId = caller.UserId;
        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null)
        {
            return Problems.NotFound("The user");
        }

        if (user.EmailVerifiedAt is null)
        {
            return AccountProblems.EmailNotVerified();
        }

        return await OptimisticConcurrency.RunAsync<TotpSetup>(async () =>
        {
            var existing = await store.FindAsync(userId, cancellationToken);
            if (existing is { Enabled: true } && stepUp.RequireRecoveryProof(caller) is { Succeeded: false } refused)
            {
                return refused.Problem;
            }

            var secret = RandomNumberGenerator.GetBytes(SecretBytes);
            var pending = existing is { Enabled: true } ? existing : new TwoFactorEntity
            {
                PartitionKey = userId,
                SetupAt = time.GetUtcNow(),
                ETag = existing?.ETag ?? default,
            };
            if (pending.Enabled)
            {
                pending.PendingProtectedSecret = protector.Protect(userId, secret);
            }
            else
            {
                pending.ProtectedSecret = protector.Protect(userId, secret);
            }

            if (await store.TrySaveAsync(pending, cancellationToken))
            {
                LogSetupStarted(logger, userId, pending.Enabled);
                return CreateSetup(user.Email, secret);
            }

            return RaceAttempt.Lost;
        });
    }

    /// <summary>
    /// Confirms the pending secret with a current code from it and returns a new set of backup codes: the first
    /// enrolment, or a replacement authenticator, which then takes the old secret's place (the old set dies too).
    /// Only one confirmation of a pending secret succeeds, however many race.
    /// </summary>
    public async Task<Result<TotpEnabled>> EnableAsync(Caller caller, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var userId = caller.UserId;
        string[]? backupCodes = null;
        var replaced = false;
        var enabled = await ThrottledAsync(userId, () => UseTotpCodeAsync(userId, code, CodeFrom.PendingSecret, async (entity, step) =>
        {
            replaced = entity.Enabled;
            if (replaced)
            {
                entity.ProtectedSecret = entity.PendingProtectedSecret!;
                entity.PendingProtectedSecret = null;
            }

            entity.Enabled = true;
            entity.EnabledAt = time.GetUtcNow();
            entity.LastAcceptedStep = step;
            backupCodes = await TrySaveWithNewBackupCodesAsync(entity, cancellationToken);
            return backupCodes is not null;
        }, cancellationToken), cancellationToken);
        if (!enabled.Succeeded)
        {
            return enabled.Problem;
        }

        var synced = await SyncUserFlagAsync(userId, cancellationToken);
        if (!synced.Succeeded)
        {
            return synced.Problem;
        }

        LogEnabled(logger, userId, replaced);
        await securityLog.RecordAsync(caller, replaced ? SecurityEventTypes.TwoFactorReplaced : SecurityEventTypes.TwoFactorEnabled, details: null, cancellationToken);
        return new TotpEnabled(backupCodes!, replaced);
    }

    /// <summary>
    /// Turns two-factor off, removing the secret and all backup codes: with a current TOTP code (not a backup code), or
    /// without one after a recent proof with a backup code or a passkey (DESIGN §14).
    /// </summary>
    public async Task<Result<TwoFactorStatus>> DisableAsync(Caller caller, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var userId = caller.UserId;
        var disabled = await WithCodeOrRecoveryAsync(
            caller, code, (entity, _) => store.TryDeleteAsync(entity, cancellationToken), cancellationToken);
        if (!disabled.Succeeded)
        {
            return disabled.Problem;
        }

        // The codes died with the entity (no current generation); removing them is housekeeping.
        await store.DeleteBackupCodesExceptAsync(userId, keepGeneration: null, cancellationToken);
        var synced = await SyncUserFlagAsync(userId, cancellationToken);
        if (!synced.Succeeded)
        {
            return synced.Problem;
        }

        LogDisabled(logger, userId);
        await securityLog.RecordAsync(caller, SecurityEventTypes.TwoFactorDisabled, ProvedBy(code), cancellationToken);
        return TwoFactorStatus.Off;
    }

    /// <summary>What the security log tells about the proof: a code from the app, or the session's recent recovery proof.</summary>
    private static Dictionary<string, string> ProvedBy(string? code) => new() { ["proof"] = code is null ? "recovery" : "totp" };

    /// <summary>
    /// Removes the secret (on, or a pending setup) and every backup code without a code: for an account being deleted,
    /// whose person proved it already.
    /// </summary>
    /// <returns>Whether there was a secret to remove.</returns>
    internal async Task<Result<bool>> RemoveAsync(string userId, CancellationToken cancellationToken)
    {
        var removed = await OptimisticConcurrency.RunAsync<bool>(async () =>
            await store.FindAsync(userId, cancellationToken) is not { } entity ? false
            : await store.TryDeleteAsync(entity, cancellationToken) ? true
            : RaceAttempt.Lost);
        if (removed.Succeeded)
        {
            await store.DeleteBackupCodesExceptAsync(userId, keepGeneration: null, cancellationToken);
        }

        return removed;
    }

    /// <summary>
    /// Bkmark support's reset for a person who lost both their authenticator and their backup codes and proved who they are
    /// out of band (DESIGN §16): the secret and every backup code go, so sign-in asks for the password alone and the person
    /// can set up a new authenticator. Idempotent.
    /// </summary>
    /// <returns>Whether there was a secret to remove.</returns>
    internal async Task<Result<bool>> ResetAsync(string userId, CancellationToken cancellationToken)
    {
        var removed = await RemoveAsync(userId, cancellationToken);
        if (!removed.Succeeded)
        {
            return removed;
        }

        // Written even when nothing was removed: a reset that stopped before this line is finished by its retry.
        var synced = await SyncUserFlagAsync(userId, cancellationToken);
        if (!synced.Succeeded)
        {
            return synced.Problem;
        }

        if (removed.Value)
        {
            LogReset(logger, userId);
        }

        return removed;
    }

    /// <summary>
    /// Replaces the whole backup-code set, given a current TOTP code, or without one after a recent proof with a backup
    /// code or a passkey (DESIGN §14). The old set is void from then on.
    /// </summary>
    public async Task<Result<IReadOnlyList<string>>> RegenerateBackupCodesAsync(Caller caller, string? code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        string[]? backupCodes = null;
        var regenerated = await WithCodeOrRecoveryAsync(caller, code, async (entity, step) =>
        {
            entity.LastAcceptedStep = step ?? entity.LastAcceptedStep;
            backupCodes = await TrySaveWithNewBackupCodesAsync(entity, cancellationToken);
            return backupCodes is not null;
        }, cancellationToken);
        if (!regenerated.Succeeded)
        {
            return regenerated.Problem;
        }

        LogBackupCodesRegenerated(logger, caller.UserId);
        await securityLog.RecordAsync(caller, SecurityEventTypes.BackupCodesRegenerated, ProvedBy(code), cancellationToken);
        return backupCodes!;
    }

    /// <summary>
    /// A change to an enabled authenticator: proved by a current TOTP code (throttled, its step recorded), or, with no code,
    /// by the caller's recent proof with a backup code or a passkey. <paramref name="tryCommit"/> gets the accepted step
    /// (null without a code) and writes ETag-conditionally; a lost race re-reads and decides again.
    /// </summary>
    private Task<Result<TwoFactorEntity>> WithCodeOrRecoveryAsync(
        Caller caller, string? code, Func<TwoFactorEntity, long?, Task<bool>> tryCommit, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(code))
        {
            return ThrottledAsync(caller.UserId, () => UseTotpCodeAsync(
                caller.UserId, code, CodeFrom.CurrentSecret, (entity, step) => tryCommit(entity, step), cancellationToken), cancellationToken);
        }

        if (stepUp.RequireRecoveryProof(caller) is { Succeeded: false } refused)
        {
            return Task.FromResult<Result<TwoFactorEntity>>(refused.Problem);
        }

        return OptimisticConcurrency.RunAsync<TwoFactorEntity>(async () =>
            await store.FindAsync(caller.UserId, cancellationToken) is not { Enabled: true } entity ? NotEnabled()
            : await tryCommit(entity, null) ? entity
            : RaceAttempt.Lost);
    }

    /// <summary>
    /// The second step of a password sign-in, after the password was verified: which auth method the
    /// session records, or why the sign-in stops. <paramref name="code"/> is a TOTP code or an unused backup code.
    /// </summary>
    public async Task<Result<string>> CheckSignInAsync(string userId, string? code, CancellationToken cancellationToken)
    {
        var entity = await store.FindAsync(userId, cancellationToken);
        if (entity is not { Enabled: true })
        {
            return AuthMethods.Password;
        }

        if (string.IsNullOrEmpty(code))
        {
            return new Problem(ErrorCodes.TwoFactorRequired, "Two-factor authentication is on: send twoFactorCode with a code from your authenticator app or a backup code.");
        }

        var used = await ThrottledAsync(userId, () => TotpCalculator.Default.IsWellFormed(code)
            ? UseTotpCodeAsync(userId, code, CodeFrom.CurrentSecret, (current, step) =>
            {
                current.LastAcceptedStep = step;
                return store.TrySaveAsync(current, cancellationToken);
            }, cancellationToken)
            : SpendBackupCodeAsync(entity, code, cancellationToken), cancellationToken);
        return used.Succeeded ? AuthMethods.PasswordAndTotp : used.Problem;
    }

    /// <summary>
    /// The second step with a passkey or security key (DESIGN.md §17), under the per-user throttle TOTP codes use:
    /// the attempt takes its slot before <paramref name="check"/> verifies it, an <c>INVALID_TWO_FACTOR_CODE</c> stays
    /// counted, anything that was not a guess is given back.
    /// </summary>
    internal Task<Result<T>> CheckSecurityKeyAsync<T>(string userId, Func<Task<Result<T>>> check, CancellationToken cancellationToken) =>
        ThrottledAsync(userId, check, cancellationToken);

    /// <summary>
    /// Keeps the account's two-factor flag (what <c>GET /me</c> shows) in line with the authenticator entity, which
    /// Accounts reads through us after the user, so a concurrent sync that read an older entity loses its race.
    /// </summary>
    /// <returns>True when the flag was written; false when the user is gone.</returns>
    private Task<Result<bool>> SyncUserFlagAsync(string userId, CancellationToken cancellationToken) =>
        users.SyncTwoFactorFlagAsync(
            userId, async token => await store.FindAsync(userId, token) is { Enabled: true }, cancellationToken);

    /// <summary>
    /// Checks a TOTP code against the user's secret (<paramref name="from"/> says which) and, if it is good, lets
    /// <paramref name="tryCommit"/> write the change that goes with it (ETag-conditional). A lost race re-reads and
    /// decides again, so a code whose step a concurrent request just recorded is then refused.
    /// </summary>
    private Task<Result<TwoFactorEntity>> UseTotpCodeAsync(
        string userId,
        string code,
        CodeFrom from,
        Func<TwoFactorEntity, long, Task<bool>> tryCommit,
        CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<TwoFactorEntity>(async () =>
        {
            var entity = await store.FindAsync(userId, cancellationToken);
            // The pending secret is a first setup's (not yet enabled) or a replacement's (enabled, a new one waiting).
            var (sealedSecret, lastAcceptedStep) = (from, entity) switch
            {
                (CodeFrom.CurrentSecret, { Enabled: true }) => (entity.ProtectedSecret, entity.LastAcceptedStep),
                (CodeFrom.PendingSecret, { Enabled: false }) => (entity.ProtectedSecret, entity.LastAcceptedStep),
                // No code of the new secret was accepted yet; the old secret's steps say nothing about it.
                (CodeFrom.PendingSecret, { PendingProtectedSecret: { } replacement }) => (replacement, 0L),
                _ => (null, 0L),
            };
            if (entity is null || sealedSecret is null)
            {
                return from == CodeFrom.CurrentSecret ? NotEnabled() : entity is null ? NoPendingSetup() : AlreadyEnabled();
            }

            var secret = protector.Unprotect(userId, sealedSecret)
                ?? throw new InvalidOperationException($"The TOTP secret of user {userId} does not decrypt: wrong TotpEncryptionKey, or the row was altered.");

            // RFC 6238 §5.2: the verifier MUST NOT accept the second attempt of the same OTP; refusing every
            // step at or before the last accepted one also refuses an older code presented after a newer one.
            if (!TotpCalculator.Default.TryMatch(secret, code, time.GetUtcNow(), out var step) || step <= lastAcceptedStep)
            {
                return InvalidCode();
            }

            return await tryCommit(entity, step) ? entity : RaceAttempt.Lost;
        });

    private async Task<Result<TwoFactorEntity>> SpendBackupCodeAsync(TwoFactorEntity entity, string code, CancellationToken cancellationToken)
    {
        var normalized = BackupCodes.Normalize(code);
        if (normalized is null || entity.BackupCodeGeneration is not { } generation)
        {
            return InvalidCode();
        }

        var stored = await store.FindBackupCodeAsync(entity.UserId, generation, hasher.Hash(normalized), cancellationToken);
        if (stored is null || !await store.TrySpendBackupCodeAsync(stored, cancellationToken))
        {
            return InvalidCode();
        }

        // A regeneration or disable that finished while this code was being spent voided its set.
        var current = await store.FindAsync(entity.UserId, cancellationToken);
        if (current is not { Enabled: true } || current.BackupCodeGeneration != generation)
        {
            return InvalidCode();
        }

        LogBackupCodeUsed(logger, entity.UserId);
        return current;
    }

    /// <summary>
    /// Writes a new backup-code set, then makes it current together with the caller's other changes to
    /// <paramref name="entity"/>. The set is written first, so a crash leaves an unused set, never a
    /// current generation without codes. Old sets are deleted afterwards (they are void already).
    /// </summary>
    /// <returns>The codes for display, or null when the entity changed meanwhile (the caller retries).</returns>
    private async Task<string[]?> TrySaveWithNewBackupCodesAsync(TwoFactorEntity entity, CancellationToken cancellationToken)
    {
        var codes = BackupCodes.Generate();
        var generation = ids.NewId();
        var hashes = codes.Select(code => hasher.Hash(BackupCodes.Normalize(code)!));
        await store.AddBackupCodesAsync(entity.UserId, generation, hashes, time.GetUtcNow(), cancellationToken);

        entity.BackupCodeGeneration = generation;
        if (!await store.TrySaveAsync(entity, cancellationToken))
        {
            await store.DeleteBackupCodeSetAsync(entity.UserId, generation, cancellationToken);
            return null;
        }

        await store.DeleteBackupCodesExceptAsync(entity.UserId, generation, cancellationToken);
        return codes;
    }

    /// <summary>
    /// Runs one code check under the per-user lock-out: the attempt takes its slot first (§7), so it is refused
    /// while locked and stays counted when the code is invalid; a success clears the count.
    /// </summary>
    private async Task<Result<T>> ThrottledAsync<T>(string userId, Func<Task<Result<T>>> check, CancellationToken cancellationToken)
    {
        var result = await throttle.GuessAsync(
            policy,
            userId,
            check,
            // Not a guess (two-factor not on, no pending setup): it must not count towards a lock-out.
            judged => judged.Succeeded ? GuessOutcome.Proved
                : judged.Problem.Code == ErrorCodes.InvalidTwoFactorCode ? GuessOutcome.Failed
                : GuessOutcome.NotAGuess,
            cancellationToken);
        switch (result.Problem?.Code)
        {
            case ErrorCodes.TooManyAttempts:
                // Even a correct code is refused (and not consumed) while locked out.
                LogLockedOut(logger, userId);
                break;
            case ErrorCodes.InvalidTwoFactorCode:
                LogInvalidCode(logger, userId);
                break;
        }

        return result;
    }

    private TotpSetup CreateSetup(string email, byte[] secret)
    {
        var totp = TotpCalculator.Default;
        var base32 = Base32Encoding.ToString(secret);
        var issuer = Uri.EscapeDataString(options.Issuer);
        var algorithm = totp.Algorithm.ToString().ToUpperInvariant();

        // Key URI format: label "issuer:account", both parts escaped; the issuer parameter repeats the label's issuer.
        var uri = $"otpauth://totp/{issuer}:{Uri.EscapeDataString(email)}?secret={base32}&issuer={issuer}"
            + $"&algorithm={algorithm}&digits={totp.Digits}&period={totp.PeriodSeconds}";

        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        using var qr = new SvgQRCode(data);
        return new TotpSetup(base32, uri, qr.GetGraphic(QrPixelsPerModule));
    }

    private static Problem InvalidCode() =>
        new(ErrorCodes.InvalidTwoFactorCode, "The two-factor code is wrong, already used, or out of date.");

    private static Problem AlreadyEnabled() =>
        Problems.Conflict("Two-factor authentication is already enabled and no new authenticator is waiting to be enabled; set one up with POST /api/v1/me/two-factor/totp/setup first.");

    private static Problem NoPendingSetup() =>
        Problems.Conflict("There is no pending two-factor setup; call POST /api/v1/me/two-factor/totp/setup first.");

    private static Problem NotEnabled() =>
        Problems.Conflict("Two-factor authentication is not enabled.");

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Two-factor setup started for user {UserId} (replacing an enabled authenticator: {Replacing})")]
    private static partial void LogSetupStarted(ILogger logger, string userId, bool replacing);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Two-factor authentication enabled for user {UserId} (replaced an authenticator: {Replaced})")]
    private static partial void LogEnabled(ILogger logger, string userId, bool replaced);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Two-factor authentication disabled for user {UserId}")]
    private static partial void LogDisabled(ILogger logger, string userId);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Backup codes regenerated for user {UserId}")]
    private static partial void LogBackupCodesRegenerated(ILogger logger, string userId);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Backup code used by user {UserId}")]
    private static partial void LogBackupCodeUsed(ILogger logger, string userId);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Invalid two-factor code for user {UserId}")]
    private static partial void LogInvalidCode(ILogger logger, string userId);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Information, Message = "Two-factor authentication of user {UserId} reset by support")]
    private static partial void LogReset(ILogger logger, string userId);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "Two-factor code refused: user {UserId} is locked out")]
    private static partial void LogLockedOut(ILogger logger, string userId);
}

/// <summary>What <c>GET /me/two-factor</c> shows.</summary>
public sealed record TwoFactorStatus(bool Enabled, DateTimeOffset? EnabledAt, int BackupCodesRemaining)
{
    public static TwoFactorStatus Off { get; } = new(false, null, 0);
}

/// <summary>An enabled authenticator: its new backup codes, and whether it replaced an earlier one (DESIGN §14).</summary>
public sealed record TotpEnabled(IReadOnlyList<string> BackupCodes, bool Replaced);

/// <summary>The one response that carries the TOTP secret: for the authenticator app, shown once.</summary>
public sealed record TotpSetup(string Secret, string OtpauthUri, string QrCodeSvg);

/// <summary>Which of an authenticator's secrets a TOTP code is checked against.</summary>
internal enum CodeFrom
{
    /// <summary>The enabled secret: sign-in, disabling, new backup codes.</summary>
    CurrentSecret,

    /// <summary>The secret waiting to be enabled: a first setup's, or a replacement's while the current one still works.</summary>
    PendingSecret,
}

using Bkmark.Core.Accounts;
using Bkmark.Core.ApiKeys;
using Bkmark.Core.Authorization;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Passkeys;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Sessions;
using Bkmark.Core.SignIn;
using Bkmark.Core.TwoFactor;

namespace Bkmark.Core.Lifecycle;

/// <summary>
/// <c>DELETE /me</c>: every way into the account stops at once, its address is free again, and what it owned is
/// erased; the library, which may be large, by the sweep (<see cref="AccountEraseHandler"/>).
/// </summary>
public sealed partial class AccountDeletionService
{
    private readonly AccountService accounts;
    private readonly SignInService signIn;
    private readonly StepUp stepUp;
    private readonly SessionService sessions;
    private readonly ApiKeyService apiKeys;
    private readonly PasskeyService passkeys;
    private readonly TwoFactorService twoFactor;
    private readonly ExpiryIndex expiry;
    private readonly LifecycleEmails emails;
    private readonly SecurityEventLog securityLog;
    private readonly TimeProvider time;
    private readonly ILogger<AccountDeletionService> logger;

    internal AccountDeletionService(
        AccountService accounts,
        SignInService signIn,
        StepUp stepUp,
        SessionService sessions,
        ApiKeyService apiKeys,
        PasskeyService passkeys,
        TwoFactorService twoFactor,
        ExpiryIndex expiry,
        LifecycleEmails emails,
        SecurityEventLog securityLog,
        TimeProvider time,
        ILogger<AccountDeletionService> logger)
    {
        this.accounts = accounts;
        this.signIn = signIn;
        this.stepUp = stepUp;
        this.sessions = sessions;
        this.apiKeys = apiKeys;
        this.passkeys = passkeys;
        this.twoFactor = twoFactor;
        this.expiry = expiry;
        this.emails = emails;
        this.securityLog = securityLog;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>
    /// Deletes the signed-in person's account, authorised by <paramref name="password"/> (throttled as sign-in is)
    /// or, without one, by a sign-in within the step-up age. Credentials stop first, then the sweep's entry is
    /// written, then the account is marked deleted and its address freed: a crash part-way leaves an account that
    /// still signs in with its password and can be deleted again, never a deleted one that keeps working.
    /// </summary>
    public async Task<Result<bool>> DeleteAsync(Caller caller, string? password, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (password is null)
        {
            var recent = stepUp.RequireRecent(caller);
            if (!recent.Succeeded)
            {
                return recent.Problem;
            }
        }
        else
        {
            var proof = await signIn.ConfirmPasswordAsync(caller.UserId, password, client, cancellationToken);
            if (!proof.Succeeded)
            {
                return proof.Problem;
            }
        }

        var user = await accounts.FindAsync(caller.UserId, cancellationToken);
        if (user is null)
        {
            return Problems.TokenRevoked("This account no longer exists.");
        }

        var stopped = await StopCredentialsAsync(user.Id, cancellationToken);
        if (stopped is not null)
        {
            return stopped;
        }

        await expiry.ScheduleAsync(AccountEraseHandler.KindName, user.Id, Account.ProfileRowKey, time.GetUtcNow(), cancellationToken);
        var deleted = await accounts.MarkDeletedAsync(user.Id, cancellationToken);
        if (!deleted.Succeeded)
        {
            return deleted.Problem;
        }

        LogDeleted(logger, user.Id);
        await securityLog.RecordAsync(new SecurityEvent(user.Id, SecurityEventTypes.AccountDeleted, client, caller.SessionId), cancellationToken);
        await emails.NotifyAsync(LifecycleEmails.AccountDeleted, user.Email, client, cancellationToken);
        return true;
    }

    /// <summary>Sessions, API keys, passkeys and the second factor: through each capability's own service.</summary>
    private async Task<Problem?> StopCredentialsAsync(string userId, CancellationToken cancellationToken)
    {
        var ended = await sessions.RevokeAllAsync(userId, "account-deleted", cancellationToken);
        if (!ended.Succeeded)
        {
            return ended.Problem;
        }

        // The owner's own authority: a session may revoke any of its keys.
        var owner = new Caller(userId, CredentialType.Session, Scopes.All, ExpiresAt: null);
        foreach (var key in await apiKeys.ListAsync(userId, cancellationToken))
        {
            // Not a revoke the person asked for: no security event (the account and its log are going).
            var revoked = await apiKeys.RevokeKeyAsync(owner, userId, key.Id, cancellationToken);
            if (revoked.Problem is { Code: not ErrorCodes.NotFound } problem)
            {
                return problem;
            }
        }

        foreach (var passkey in await passkeys.ListAsync(userId, cancellationToken))
        {
            await passkeys.RemoveAsync(userId, passkey.Id, cancellationToken);
        }

        await twoFactor.RemoveAsync(userId, cancellationToken);
        return null;
    }

    [LoggerMessage(EventId = 9431, Level = LogLevel.Information, Message = "User {UserId} deleted their account; the sweep erases the rest")]
    private static partial void LogDeleted(ILogger logger, string userId);
}

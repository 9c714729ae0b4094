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
    private readonly AccountService _accounts;
    private readonly SignInService _signIn;
    private readonly StepUp _stepUp;
    private readonly SessionService _sessions;
    private readonly ApiKeyService _apiKeys;
    private readonly PasskeyService _passkeys;
    private readonly TwoFactorService _twoFactor;
    private readonly ExpiryIndex _expiry;
    private readonly LifecycleEmails _emails;
    private readonly SecurityEventLog _securityLog;
    private readonly TimeProvider _time;
    private readonly ILogger<AccountDeletionService> _logger;

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
        _accounts = accounts;
        _signIn = signIn;
        _stepUp = stepUp;
        _sessions = sessions;
        _apiKeys = apiKeys;
        _passkeys = passkeys;
        _twoFactor = twoFactor;
        _expiry = expiry;
        _emails = emails;
        _securityLog = securityLog;
        _time = time;
        _logger = logger;
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
            var recent = _stepUp.RequireRecent(caller);
            if (!recent.Succeeded)
            {
                return recent.Problem;
            }
        }
        else
        {
            var proof = await _signIn.ConfirmPasswordAsync(caller.UserId, password, client, cancellationToken);
            if (!proof.Succeeded)
            {
                return proof.Problem;
            }
        }

        var user = await _accounts.FindAsync(caller.UserId, cancellationToken);
        if (user is null)
        {
            return Problems.TokenRevoked("This account no longer exists.");
        }

        var stopped = await StopCredentialsAsync(user.Id, cancellationToken);
        if (stopped is not null)
        {
            return stopped;
        }

        await _expiry.ScheduleAsync(AccountEraseHandler.KindName, user.Id, Account.ProfileRowKey, _time.GetUtcNow(), cancellationToken);
        var deleted = await _accounts.MarkDeletedAsync(user.Id, cancellationToken);
        if (!deleted.Succeeded)
        {
            return deleted.Problem;
        }

        LogDeleted(_logger, user.Id);
        await _securityLog.RecordAsync(new SecurityEvent(user.Id, SecurityEventTypes.AccountDeleted, client, caller.SessionId), cancellationToken);
        await _emails.NotifyAsync(LifecycleEmails.AccountDeleted, user.Email, client, cancellationToken);
        return true;
    }

    /// <summary>Sessions, API keys, passkeys and the second factor: through each capability's own service.</summary>
    private async Task<Problem?> StopCredentialsAsync(string userId, CancellationToken cancellationToken)
    {
        var sessions = await _sessions.RevokeAllAsync(userId, "account-deleted", cancellationToken);
        if (!sessions.Succeeded)
        {
            return sessions.Problem;
        }

        // The owner's own authority: a session may revoke any of its keys.
        var owner = new Caller(userId, CredentialType.Session, Scopes.All, ExpiresAt: null);
        foreach (var key in await _apiKeys.ListAsync(userId, cancellationToken))
        {
            var revoked = await _apiKeys.RevokeAsync(owner, key.Id, cancellationToken);
            if (revoked.Problem is { Code: not ErrorCodes.NotFound } problem)
            {
                return problem;
            }
        }

        foreach (var passkey in await _passkeys.ListAsync(userId, cancellationToken))
        {
            await _passkeys.DeleteAsync(userId, passkey.Id, cancellationToken);
        }

        await _twoFactor.RemoveAsync(userId, cancellationToken);
        return null;
    }

    [LoggerMessage(EventId = 9431, Level = LogLevel.Information, Message = "User {UserId} deleted their account; the sweep erases the rest")]
    private static partial void LogDeleted(ILogger logger, string userId);
}

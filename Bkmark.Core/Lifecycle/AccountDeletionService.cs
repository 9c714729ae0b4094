using Bkmark.Core.Accounts;
using Bkmark.Core.ApiKeys;
using Bkmark.Core.Authorization;
using Bkmark.Core.Library.Sandbox;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Organisations;
using Bkmark.Core.Passkeys;
using Bkmark.Core.PublishableKeys;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Sessions;
using Bkmark.Core.SignIn;
using Bkmark.Core.Social;
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
    private readonly SocialAccountRemoval social;
    private readonly PublishableKeyService publishableKeys;
    private readonly OrganisationService organisations;
    private readonly ExpiryIndex expiry;
    private readonly LifecycleTokens tokens;
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
        SocialAccountRemoval social,
        PublishableKeyService publishableKeys,
        OrganisationService organisations,
        ExpiryIndex expiry,
        LifecycleTokens tokens,
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
        this.social = social;
        this.publishableKeys = publishableKeys;
        this.organisations = organisations;
        this.expiry = expiry;
        this.tokens = tokens;
        this.emails = emails;
        this.securityLog = securityLog;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>
    /// Deletes the signed-in person's account, authorised by the password (throttled as sign-in is, by the device-token
    /// rule) or, without one, by a sign-in within the step-up age, and with two-factor on by a TOTP or backup code too
    /// (DESIGN.md §14). Organisations are settled first (a sole owner with other members is
    /// refused before anything changes), credentials stop next, then the sweep's entries are written, then the account is
    /// marked deleted and its address freed: a crash part-way leaves an account that still signs in with its password and
    /// can be deleted again, never a deleted one that keeps working.
    /// </summary>
    public async Task<Result<bool>> DeleteAsync(
        Caller caller, AccountDeletionProof proof, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(proof);
        if (proof.Password is not { } password)
        {
            var recent = stepUp.RequireRecent(caller);
            if (!recent.Succeeded)
            {
                return recent.Problem;
            }
        }
        else
        {
            var confirmed = await signIn.ConfirmPasswordAsync(caller.UserId, password, proof.DeviceToken, client, cancellationToken);
            if (!confirmed.Succeeded)
            {
                return confirmed.Problem;
            }
        }

        // A session proved the second factor once; deleting everything asks for it again, as a reset does.
        var secondFactor = await twoFactor.CheckSignInAsync(caller.UserId, proof.TwoFactorCode, cancellationToken);
        if (!secondFactor.Succeeded)
        {
            await securityLog.RecordRefusalAsync(caller.UserId, secondFactor.Problem, client, cancellationToken);
            return secondFactor.Problem;
        }

        var user = await accounts.FindAsync(caller.UserId, cancellationToken);
        if (user is null)
        {
            return Problems.TokenRevoked("This account no longer exists.");
        }

        var deletedOrganisations = await organisations.RemoveDeletedAccountAsync(user.Id, cancellationToken);
        if (!deletedOrganisations.Succeeded)
        {
            return deletedOrganisations.Problem;
        }

        var stopped = await StopCredentialsAsync(user.Id, deletedOrganisations.Value, cancellationToken);
        if (stopped is not null)
        {
            return stopped;
        }

        var now = time.GetUtcNow();
        foreach (var libraryId in deletedOrganisations.Value.Select(LibraryIds.Organisation).Append(SandboxLibrary.IdOf(user.Id)))
        {
            await expiry.ScheduleAsync(LibraryEraseHandler.KindName, libraryId, "", now, cancellationToken);
        }

        await expiry.ScheduleAsync(AccountEraseHandler.KindName, user.Id, Account.ProfileRowKey, now, cancellationToken);
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

    /// <summary>
    /// Sessions, API keys (the account's and those of the organisations deleted with it), publishable keys, social links,
    /// emailed links, passkeys and the second factor: through each capability's own service.
    /// </summary>
    private async Task<Problem?> StopCredentialsAsync(string userId, IReadOnlyList<string> deletedOrganisations, CancellationToken cancellationToken)
    {
        var ended = await sessions.RevokeAllAsync(userId, "account-deleted", cancellationToken);
        if (!ended.Succeeded)
        {
            return ended.Problem;
        }

        // The owner's own authority: a session may revoke any of its keys, and an organisation's it was the last of.
        var personal = new Caller(userId, CredentialType.Session, Scopes.All, ExpiresAt: null);
        var owners = deletedOrganisations
            .Select(organisationId => personal with { OrganisationId = organisationId })
            .Prepend(personal);
        foreach (var owner in owners)
        {
            foreach (var key in await apiKeys.ListAsync(owner, cancellationToken))
            {
                // Not a revoke the person asked for: no security event (the account and its log are going).
                var revoked = await apiKeys.RevokeKeyAsync(owner, ApiKeyService.OwnerIdOf(owner), key.Id, cancellationToken);
                if (revoked.Problem is { Code: not ErrorCodes.NotFound } problem)
                {
                    return problem;
                }
            }
        }

        foreach (var key in await publishableKeys.ListAsync(userId, cancellationToken))
        {
            await publishableKeys.DeleteAsync(personal, key.Id, cancellationToken);
        }

        await social.RemoveAllAsync(userId, cancellationToken);
        await tokens.VoidAsync(userId, LinkPurpose.All, cancellationToken);

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

/// <summary>What <c>DELETE /me</c> proves: the password (or none, after a fresh sign-in), the second factor when it is on, and the device.</summary>
public sealed record AccountDeletionProof(string? Password, string? TwoFactorCode, string? DeviceToken);

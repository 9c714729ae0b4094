using Bkmark.Core.Accounts;
using Bkmark.Core.ApiKeys;
using Bkmark.Core.Organisations;
using Bkmark.Core.Passkeys;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Sessions;
using Bkmark.Core.Social;
using Bkmark.Core.TwoFactor;

namespace Bkmark.Core.Operator;

/// <summary>
/// What Bkmark support may do for a person (DESIGN §16): find their account, lock and unlock it, sign it out everywhere,
/// remove a lost second factor, read its security log, and give an orphaned organisation an owner. The function key
/// guards the routes; each act is recorded in the person's own log as support's and emailed to them (the log's notices).
/// It changes other rooms only through their services.
/// </summary>
public sealed partial class OperatorService(
    AccountService accounts,
    SessionService sessions,
    ApiKeyService apiKeys,
    TwoFactorService twoFactor,
    PasskeyService passkeys,
    SocialSignInService social,
    OrganisationService organisations,
    SecurityEventLog securityLog,
    ILogger<OperatorService> logger)
{
    public const int MaxReasonLength = 500;

    // A lock and an unlock raced by many operators at once settle within a few passes; more is a lost race.
    private const int MaxLockPasses = 5;

    // Support acts from no browser of the person's, and support's own address is no business of the person's log.
    private static readonly ClientInfo Support = new(UserAgent: null, IpAddress: null);

    /// <summary><c>GET /admin/users?email=</c>: the account that address belongs to.</summary>
    public async Task<Result<SupportAccountView>> FindByEmailAsync(string? email, CancellationToken cancellationToken)
    {
        if (EmailAddress.Normalize(email) is not { } normalizedEmail)
        {
            return Problems.Validation("email", "Give the account's email address: ?email=person@example.com.");
        }

        if (await accounts.FindRecordByEmailAsync(normalizedEmail, cancellationToken) is not { } account)
        {
            return Problems.NotFound("An account with this email");
        }

        await RecordAsync(account.Id, SecurityEventTypes.OperatorAccountViewed, details: null, cancellationToken);
        return await ViewOfAsync(account, cancellationToken);
    }

    /// <summary>
    /// <c>POST /admin/users/{id}/lock</c>: the account stops signing in, its sessions end (their tokens answer
    /// <c>ACCOUNT_LOCKED</c>) and its keys are marked locked. The flag is written first, so a lock interrupted part-way
    /// already refuses sign-in, and its retry (a repeat is harmless) finishes stopping the credentials.
    /// </summary>
    public async Task<Result<SupportAccountView>> LockAsync(string userId, string? reason, CancellationToken cancellationToken)
    {
        var trimmed = reason?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxReasonLength)
        {
            return Problems.Validation("reason", $"Say why the account is locked, in 1 to {MaxReasonLength} characters; the person reads it.");
        }

        return await ChangeLockAsync(userId, trimmed, cancellationToken);
    }

    /// <summary><c>POST /admin/users/{id}/unlock</c>: sign-in and the account's keys work again; sessions the lock ended stay ended.</summary>
    public Task<Result<SupportAccountView>> UnlockAsync(string userId, CancellationToken cancellationToken) =>
        ChangeLockAsync(userId, reason: null, cancellationToken);

    /// <summary><c>POST /admin/users/{id}/sign-out</c>: every session ends, and with it every refresh token.</summary>
    public async Task<Result<SignedOut>> SignOutAsync(string userId, CancellationToken cancellationToken)
    {
        if (await accounts.FindRecordAsync(userId, cancellationToken) is not { Deleted: false })
        {
            return Problems.NotFound("The user");
        }

        var revoked = await sessions.RevokeAllAsync(userId, "support-sign-out", cancellationToken);
        if (!revoked.Succeeded)
        {
            return revoked.Problem;
        }

        LogSignedOut(logger, userId, revoked.Value);
        await RecordAsync(userId, SecurityEventTypes.OperatorSignedOut,
            new Dictionary<string, string> { ["sessions"] = revoked.Value.ToString(CultureInfo.InvariantCulture) }, cancellationToken);
        return new SignedOut(revoked.Value);
    }

    /// <summary>
    /// <c>POST /admin/users/{id}/two-factor/reset</c>, after the person proved who they are out of band: the TOTP secret and
    /// backup codes go, so the password alone signs in and a new authenticator can be set up. A repeat changes nothing.
    /// </summary>
    public async Task<Result<SupportAccountView>> ResetTwoFactorAsync(string userId, CancellationToken cancellationToken)
    {
        if (await accounts.FindRecordAsync(userId, cancellationToken) is not { Deleted: false })
        {
            return Problems.NotFound("The user");
        }

        var reset = await twoFactor.ResetAsync(userId, cancellationToken);
        if (!reset.Succeeded)
        {
            return reset.Problem;
        }

        if (reset.Value)
        {
            await RecordAsync(userId, SecurityEventTypes.OperatorTwoFactorReset, details: null, cancellationToken);
        }

        return await CurrentViewAsync(userId, cancellationToken);
    }

    /// <summary>
    /// <c>GET /admin/users/{id}/security-events</c>: the person's log, paged as they see it. A deleted account's log stays
    /// readable until its retention ends (that is what <c>account.deleted</c> is kept for); reading it is recorded, once per
    /// reading (its first page), in the log of an account that still has a person to tell.
    /// </summary>
    public async Task<Result<SecurityEventPage>> ListSecurityEventsAsync(string userId, string? cursor, string? limit, CancellationToken cancellationToken)
    {
        var account = await accounts.FindRecordAsync(userId, cancellationToken);
        if (account is null)
        {
            return Problems.NotFound("The user");
        }

        var page = await securityLog.ListAsync(userId, cursor, limit, cancellationToken);
        if (page.Succeeded && string.IsNullOrEmpty(cursor) && !account.Deleted)
        {
            await RecordAsync(userId, SecurityEventTypes.OperatorSecurityEventsViewed, details: null, cancellationToken);
        }

        return page;
    }

    /// <summary>
    /// <c>POST /admin/orgs/{id}/owner {userId}</c>: makes a member an owner, for an organisation whose owners were deleted
    /// or locked. Told to the new owner; a member who already was one is left as they were, and told nothing.
    /// </summary>
    public async Task<Result<MemberView>> AppointOrganisationOwnerAsync(string organisationId, string? userId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(userId))
        {
            return Problems.Validation("userId", "Name the member to make an owner: {\"userId\": \"…\"}.");
        }

        var appointed = await organisations.AppointOwnerAsync(organisationId, userId, cancellationToken);
        if (!appointed.Succeeded)
        {
            return appointed.Problem;
        }

        var (organisation, member, changed) = appointed.Value;
        if (changed)
        {
            await RecordAsync(member.UserId, SecurityEventTypes.OperatorOrganisationOwnerSet,
                new Dictionary<string, string> { ["organisation"] = organisation.Name, ["organisationId"] = organisation.Id }, cancellationToken);
        }

        return member;
    }

    private async Task<Result<SupportAccountView>> ChangeLockAsync(string userId, string? reason, CancellationToken cancellationToken)
    {
        var locking = reason is not null;
        var change = await accounts.SetLockAsync(userId, reason, cancellationToken);
        if (!change.Succeeded)
        {
            return change.Problem;
        }

        // A lock and an unlock racing each other: whichever wrote the flag last, the credentials end up following it.
        // Each pass applies a state and reads the flag again, so the last request to apply anything also checks it
        // against the flag's final value; a pass that keeps losing is a lost race (409), never a 500.
        var applied = locking;
        AccountRecord? account = null;
        for (var pass = 0; pass < MaxLockPasses && account is null; pass++)
        {
            if (await ApplyLockAsync(userId, applied, cancellationToken) is { } stopped)
            {
                return stopped;
            }

            var current = await accounts.FindRecordAsync(userId, cancellationToken);
            if (current is not { Deleted: false })
            {
                return Problems.NotFound("The user");
            }

            if ((current.LockedAt is not null) == applied)
            {
                account = current;
            }
            else
            {
                applied = current.LockedAt is not null;
            }
        }

        if (account is null)
        {
            return Problems.ConcurrentChange();
        }

        if (change.Value.Changed)
        {
            LogLockChanged(logger, userId, locking);
            await RecordAsync(userId, locking ? SecurityEventTypes.OperatorAccountLocked : SecurityEventTypes.OperatorAccountUnlocked,
                locking ? new Dictionary<string, string> { ["reason"] = reason! } : null, cancellationToken);
        }

        return await ViewOfAsync(account, cancellationToken);
    }

    /// <summary>Brings the account's sessions and keys in line with its lock; idempotent, so a retry finishes an interrupted one.</summary>
    private async Task<Problem?> ApplyLockAsync(string userId, bool locked, CancellationToken cancellationToken)
    {
        if (locked)
        {
            var revoked = await sessions.RevokeAllForLockAsync(userId, cancellationToken);
            if (!revoked.Succeeded)
            {
                return revoked.Problem;
            }

            await apiKeys.SetAccountLockedAsync(userId, locked: true, cancellationToken);
            return null;
        }

        await apiKeys.SetAccountLockedAsync(userId, locked: false, cancellationToken);
        var forgotten = await sessions.ForgetLockAsync(userId, cancellationToken);
        return forgotten.Succeeded ? null : forgotten.Problem;
    }

    private async Task<Result<SupportAccountView>> CurrentViewAsync(string userId, CancellationToken cancellationToken) =>
        await accounts.FindRecordAsync(userId, cancellationToken) is { Deleted: false } account
            ? await ViewOfAsync(account, cancellationToken)
            : Problems.NotFound("The user");

    private async Task<SupportAccountView> ViewOfAsync(AccountRecord account, CancellationToken cancellationToken)
    {
        var passkeyCount = (await passkeys.ListAsync(account.Id, cancellationToken)).Count;
        var links = await social.ListAsync(account.Id, cancellationToken);
        var lastSignInAt = await securityLog.LastOccurredAtAsync(account.Id, SecurityEventTypes.SignInSucceeded, cancellationToken);
        return new SupportAccountView(
            account.Id,
            account.Email,
            account.EmailVerified,
            account.Plan,
            account.TwoFactorEnabled,
            passkeyCount,
            [.. links.Select(link => link.Provider)],
            account.CreatedAt,
            lastSignInAt,
            Locked: account.LockedAt is not null,
            account.LockedAt,
            account.LockReason);
    }

    private Task RecordAsync(string userId, string type, IReadOnlyDictionary<string, string>? details, CancellationToken cancellationToken) =>
        securityLog.RecordAsync(new SecurityEvent(userId, type, Support, Details: details), cancellationToken);

    [LoggerMessage(EventId = 9501, Level = LogLevel.Information, Message = "Support set the lock of user {UserId}: locked {Locked}")]
    private static partial void LogLockChanged(ILogger logger, string userId, bool locked);

    [LoggerMessage(EventId = 9502, Level = LogLevel.Information, Message = "Support signed out user {UserId}: {Sessions} sessions ended")]
    private static partial void LogSignedOut(ILogger logger, string userId, int sessions);
}

/// <summary>
/// An account as support sees it (DESIGN §16): <see cref="Passkeys"/> counts them, <see cref="SocialAccounts"/> names the
/// providers linked; <see cref="LastSignInAt"/> comes from the security log (90 days).
/// </summary>
public sealed record SupportAccountView(
    string Id,
    string Email,
    bool EmailVerified,
    string Plan,
    bool TwoFactor,
    int Passkeys,
    IReadOnlyList<string> SocialAccounts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt,
    bool Locked,
    DateTimeOffset? LockedAt,
    string? LockReason);

/// <summary>What support's sign-out ended: how many sessions were still active.</summary>
public sealed record SignedOut(int Revoked);

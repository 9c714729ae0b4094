using Bkmark.Core.Accounts;
using Bkmark.Core.Passwords;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Sessions;
using Bkmark.Core.SignIn;
using Bkmark.Core.Throttling;
using Bkmark.Core.TwoFactor;

namespace Bkmark.Core.Lifecycle;

/// <summary>
/// Changing the password when signed in (<c>POST /me/password</c>) and resetting a forgotten one by email
/// (<c>POST /auth/password-reset</c>, <c>POST /auth/password-reset/complete</c>, DESIGN.md §9).
/// </summary>
public sealed partial class PasswordService
{
    private readonly AccountService accounts;
    private readonly SignInService signIn;
    private readonly SessionService sessions;
    private readonly TwoFactorService twoFactor;
    private readonly LifecycleTokens tokens;
    private readonly LifecycleEmails emails;
    private readonly AttemptThrottle throttle;
    private readonly SecurityEventLog securityLog;
    private readonly PasswordPolicy passwordPolicy;
    private readonly ILogger<PasswordService> logger;
    private readonly ThrottlePolicy resetSends;

    internal PasswordService(
        AccountService accounts,
        SignInService signIn,
        SessionService sessions,
        TwoFactorService twoFactor,
        LifecycleTokens tokens,
        LifecycleEmails emails,
        AttemptThrottle throttle,
        SecurityEventLog securityLog,
        PasswordPolicy passwordPolicy,
        IOptions<LifecycleOptions> options,
        ILogger<PasswordService> logger)
    {
        this.accounts = accounts;
        this.signIn = signIn;
        this.sessions = sessions;
        this.twoFactor = twoFactor;
        this.tokens = tokens;
        this.emails = emails;
        this.throttle = throttle;
        this.securityLog = securityLog;
        this.passwordPolicy = passwordPolicy;
        this.logger = logger;
        this.resetSends = EmailVerificationService.LinkEmailPolicy("password-reset-send", options.Value);
    }

    /// <summary>
    /// The signed-in person (step-up checked by the caller) changes their password, proving the current one
    /// (throttled as sign-in is). Every other session ends; the user is told by email.
    /// </summary>
    public async Task<Result<bool>> ChangeAsync(
        Caller caller, string? currentPassword, string? newPassword, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new FieldErrors();
        errors.Require("currentPassword", currentPassword, "The current password is required.");
        if (!PasswordPolicy.HasAcceptableLength(newPassword))
        {
            errors.Add("newPassword", PasswordPolicy.LengthRule);
        }

        if (errors.Problem is { } invalid)
        {
            return invalid;
        }

        var proof = await signIn.ConfirmPasswordAsync(caller.UserId, currentPassword, client, cancellationToken);
        if (!proof.Succeeded)
        {
            return proof.Problem;
        }

        if (await passwordPolicy.CheckNewAsync("newPassword", newPassword!, proof.Value.Email, proof.Value.DisplayName, cancellationToken) is { } refused)
        {
            return refused;
        }

        var changed = await accounts.SetPasswordAsync(caller.UserId, newPassword!, cancellationToken);
        if (!changed.Succeeded)
        {
            return changed.Problem;
        }

        // Whoever else knew the old password may hold a session: only the one that changed it survives.
        var revoked = await sessions.RevokeOthersAsync(caller.UserId, caller.SessionId!, cancellationToken);
        if (!revoked.Succeeded)
        {
            return revoked.Problem;
        }

        LogChanged(logger, caller.UserId, revoked.Value);
        await securityLog.RecordAsync(new SecurityEvent(caller.UserId, SecurityEventTypes.PasswordChanged, client, caller.SessionId), cancellationToken);
        await emails.NotifyAsync(LifecycleEmails.PasswordChanged, changed.Value.Email, client, cancellationToken);
        return true;
    }

    /// <summary>
    /// Emails a reset link, or, for an address nobody has, a note saying so. Both cost the same reads and writes
    /// (the throttle claim, the email index and a user row, a token, one email), so neither the answer nor its
    /// timing tells whether an account exists. Over the hourly limit per address, nothing is sent, silently.
    /// </summary>
    /// <returns>A problem only for an address that is not an email address at all.</returns>
    public async Task<Result<bool>> RequestResetAsync(string? email, CancellationToken cancellationToken)
    {
        var normalizedEmail = EmailAddress.Normalize(email);
        if (normalizedEmail is null)
        {
            return Problems.Validation("email", EmailAddress.Invalid);
        }

        var claim = await throttle.ClaimAsync(resetSends, EmailVerificationService.SubjectOf(normalizedEmail), cancellationToken);
        var user = await accounts.FindForSignInAsync(normalizedEmail, cancellationToken);
        if (claim.RetryAfter is not null)
        {
            return true;
        }

        if (user is null)
        {
            // An address nobody has gets a token too, bound to no account: it can never be used, but it costs the same write.
            await tokens.IssueAsync(LinkPurpose.ResetPassword, userId: "", normalizedEmail, previousEmail: null, cancellationToken);
            await emails.SendAsync(LifecycleEmails.PasswordResetNoAccount, normalizedEmail, cancellationToken);
        }
        else
        {
            await tokens.SendLinkAsync(LinkPurpose.ResetPassword, user.Id, normalizedEmail, previousEmail: null, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Follows a reset link: a new password, every session ended. With two-factor on, a TOTP or backup code is
    /// still required (a reset proves the mailbox, not the second factor), and is checked before the link is
    /// spent, so a missing code does not waste it. Of concurrent uses of one link exactly one succeeds.
    /// </summary>
    public async Task<Result<bool>> CompleteResetAsync(
        string? token, string? newPassword, string? twoFactorCode, ClientInfo client, CancellationToken cancellationToken)
    {
        if (!PasswordPolicy.HasAcceptableLength(newPassword))
        {
            return Problems.Validation("newPassword", PasswordPolicy.LengthRule);
        }

        var link = await tokens.FindUsableAsync(token, LinkPurpose.ResetPassword, client, cancellationToken);
        if (!link.Succeeded)
        {
            return link.Problem;
        }

        // A link for an address the account no longer has (or for no account) resets nothing.
        var user = await accounts.FindAsync(link.Value.UserId, cancellationToken);
        if (user is null || user.Email != link.Value.Email)
        {
            return LifecycleTokens.Unusable();
        }

        // Before the second factor and the link are spent: a refused password costs neither.
        if (await passwordPolicy.CheckNewAsync("newPassword", newPassword!, user.Email, user.DisplayName, cancellationToken) is { } refused)
        {
            return refused;
        }

        var secondFactor = await twoFactor.CheckSignInAsync(user.Id, twoFactorCode, cancellationToken);
        if (!secondFactor.Succeeded)
        {
            return secondFactor.Problem;
        }

        if (!await tokens.TrySpendAsync(link.Value, cancellationToken))
        {
            return LifecycleTokens.Unusable();
        }

        if (BackupCodes.WasUsed(secondFactor.Value, twoFactorCode))
        {
            await securityLog.RecordAsync(new SecurityEvent(user.Id, SecurityEventTypes.BackupCodeUsed, client), cancellationToken);
        }

        var changed = await accounts.SetPasswordAsync(user.Id, newPassword!, cancellationToken);
        if (!changed.Succeeded)
        {
            return changed.Problem;
        }

        var revoked = await sessions.RevokeAllAsync(user.Id, "password-reset", cancellationToken);
        if (!revoked.Succeeded)
        {
            return revoked.Problem;
        }

        LogReset(logger, user.Id, revoked.Value);
        await securityLog.RecordAsync(new SecurityEvent(user.Id, SecurityEventTypes.PasswordReset, client), cancellationToken);
        await emails.NotifyAsync(LifecycleEmails.PasswordWasReset, user.Email, client, cancellationToken);
        return true;
    }

    [LoggerMessage(EventId = 9411, Level = LogLevel.Information, Message = "User {UserId} changed their password; {Revoked} other sessions revoked")]
    private static partial void LogChanged(ILogger logger, string userId, int revoked);

    [LoggerMessage(EventId = 9412, Level = LogLevel.Information, Message = "User {UserId} reset their password by email; {Revoked} sessions revoked")]
    private static partial void LogReset(ILogger logger, string userId, int revoked);
}

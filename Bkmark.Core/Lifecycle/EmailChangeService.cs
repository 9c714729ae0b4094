using Bkmark.Core.Accounts;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.SignIn;

namespace Bkmark.Core.Lifecycle;

/// <summary>
/// Moving an account to another email address (<c>POST /me/email</c>, <c>POST /auth/email/confirm-change</c>):
/// nothing changes until a link sent to the new address is followed; then the old address is told.
/// </summary>
public sealed partial class EmailChangeService
{
    private readonly AccountService accounts;
    private readonly SignInService signIn;
    private readonly LifecycleTokens tokens;
    private readonly LifecycleEmails emails;
    private readonly SecurityEventLog securityLog;
    private readonly ILogger<EmailChangeService> logger;

    internal EmailChangeService(
        AccountService accounts,
        SignInService signIn,
        LifecycleTokens tokens,
        LifecycleEmails emails,
        SecurityEventLog securityLog,
        ILogger<EmailChangeService> logger)
    {
        this.accounts = accounts;
        this.signIn = signIn;
        this.tokens = tokens;
        this.emails = emails;
        this.securityLog = securityLog;
        this.logger = logger;
    }

    /// <summary>
    /// The signed-in person (step-up checked by the caller) asks to move to <paramref name="newEmail"/>, proving
    /// the password (throttled as sign-in is). Whether another account has that address is not said here, so the
    /// request cannot probe for accounts; confirming it answers <c>EMAIL_TAKEN</c> if so.
    /// </summary>
    public async Task<Result<bool>> RequestAsync(
        Caller caller, string? newEmail, string? password, string? deviceToken, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var normalizedEmail = EmailAddress.Normalize(newEmail);
        var errors = new FieldErrors();
        if (normalizedEmail is null)
        {
            errors.Add("newEmail", EmailAddress.Invalid);
        }

        errors.Require("password", password, "The password is required.");
        if (errors.Problem is { } invalid)
        {
            return invalid;
        }

        var user = await signIn.ConfirmPasswordAsync(caller.UserId, password, deviceToken, client, cancellationToken);
        if (!user.Succeeded)
        {
            return user.Problem;
        }

        if (user.Value.Email == normalizedEmail)
        {
            return Problems.Validation("newEmail", "This is the account's email address already.");
        }

        // Only the latest link may complete (DESIGN.md §14): an intruder's earlier request dies with the owner's next one.
        await tokens.SendOnlyLinkAsync(LinkPurpose.ChangeEmail, LinkHolder.Of(user.Value), normalizedEmail!, user.Value.Email, cancellationToken);
        // Its notice goes to the address the account has now, which the change would take away.
        await securityLog.RecordAsync(new SecurityEvent(user.Value.Id, SecurityEventTypes.EmailChangeRequested, client, caller.SessionId), cancellationToken);
        return true;
    }

    /// <summary>Follows the link sent to the new address: the account moves there (verified), and the old address is told.</summary>
    public async Task<Result<EmailChanged>> ConfirmAsync(string? token, ClientInfo client, CancellationToken cancellationToken)
    {
        var link = await tokens.SpendAsync(token, LinkPurpose.ChangeEmail, client, cancellationToken);
        if (!link.Succeeded)
        {
            return link.Problem;
        }

        var previousEmail = link.Value.PreviousEmail!;
        var changed = await accounts.ChangeEmailAsync(link.Value.UserId, previousEmail, link.Value.Email, link.Value.SecurityStamp, cancellationToken);
        if (!changed.Succeeded)
        {
            // NOT_FOUND: the account was deleted, moved to another address or recovered since this link was sent.
            return changed.Problem.Code == ErrorCodes.NotFound ? LifecycleTokens.Unusable() : changed.Problem;
        }

        LogChanged(logger, link.Value.UserId);
        await securityLog.RecordAsync(new SecurityEvent(link.Value.UserId, SecurityEventTypes.EmailChanged, client), cancellationToken);
        await emails.NotifyAsync(LifecycleEmails.EmailChanged, previousEmail, client, cancellationToken);
        return new EmailChanged(changed.Value.Email, EmailVerified: true);
    }

    [LoggerMessage(EventId = 9421, Level = LogLevel.Information, Message = "User {UserId} moved their account to a new email address")]
    private static partial void LogChanged(ILogger logger, string userId);
}

/// <summary>The answer to a confirmed change of email.</summary>
public sealed record EmailChanged(string Email, bool EmailVerified);

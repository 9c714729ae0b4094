using Bkmark.Core.Accounts;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Throttling;

namespace Bkmark.Core.Lifecycle;

/// <summary>
/// Registration with a link that confirms the address, resending it, and following it
/// (<c>POST /auth/register</c>, <c>POST /me/email/verification</c>, <c>POST /auth/email/verify</c>).
/// </summary>
public sealed partial class EmailVerificationService
{
    private readonly AccountService accounts;
    private readonly LifecycleTokens tokens;
    private readonly PasswordService passwords;
    private readonly AttemptThrottle throttle;
    private readonly SecurityEventLog securityLog;
    private readonly ILogger<EmailVerificationService> logger;
    private readonly ThrottlePolicy sends;

    internal EmailVerificationService(
        AccountService accounts,
        LifecycleTokens tokens,
        PasswordService passwords,
        AttemptThrottle throttle,
        SecurityEventLog securityLog,
        IOptions<LifecycleOptions> options,
        ILogger<EmailVerificationService> logger)
    {
        this.accounts = accounts;
        this.tokens = tokens;
        this.passwords = passwords;
        this.throttle = throttle;
        this.securityLog = securityLog;
        this.logger = logger;
        this.sends = LinkEmailPolicy("verify-email-send", options.Value);
    }

    /// <summary>
    /// Creates the account (see <see cref="AccountService.RegisterAsync"/>) and sends the link that confirms its address.
    /// An address that has an account answers <c>EMAIL_TAKEN</c> as before, and its mailbox gets a reset link: if
    /// someone else registered the owner's address first, that is how the owner takes it back (DESIGN.md §14).
    /// </summary>
    public async Task<Result<NewAccount>> RegisterAsync(string? email, string? password, string? displayName, CancellationToken cancellationToken)
    {
        var user = await accounts.RegisterAsync(email, password, displayName, cancellationToken);
        if (user.Problem is { Code: ErrorCodes.EmailTaken })
        {
            await passwords.SendResetLinkAsync(EmailAddress.Normalize(email)!, LifecycleEmails.RegistrationOfExistingAddress, cancellationToken);
        }

        if (user.Succeeded)
        {
            // Registration counts as the first send, so resends are limited from the start.
            await throttle.ClaimAsync(sends, user.Value.Id, cancellationToken);
            // A new account's security stamp is empty until its first recovery.
            await tokens.SendLinkAsync(LinkPurpose.VerifyEmail, new LinkHolder(user.Value.Id, SecurityStamp: ""), user.Value.Email, previousEmail: null, cancellationToken);
        }

        return user;
    }

    /// <summary>Sends a fresh link, at most <see cref="LifecycleOptions.LinkEmailsPerHour"/> an hour; 409 when the address is confirmed already.</summary>
    public async Task<Result<bool>> ResendAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await accounts.FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return Problems.NotFound("The user");
        }

        if (user.EmailVerifiedAt is not null)
        {
            return Problems.Conflict("This email address is confirmed already.");
        }

        var claim = await throttle.ClaimAsync(sends, user.Id, cancellationToken);
        if (claim.RetryAfter is { } retryAfter)
        {
            return Problems.TooManyAttempts(retryAfter);
        }

        await tokens.SendLinkAsync(LinkPurpose.VerifyEmail, LinkHolder.Of(user), user.Email, previousEmail: null, cancellationToken);
        return true;
    }

    /// <summary>Follows a verification link: the address it was sent to is confirmed, if the account still has it.</summary>
    public async Task<Result<bool>> VerifyAsync(string? token, ClientInfo client, CancellationToken cancellationToken)
    {
        var link = await tokens.SpendAsync(token, LinkPurpose.VerifyEmail, client, cancellationToken);
        if (!link.Succeeded)
        {
            return link.Problem;
        }

        var verified = await accounts.MarkEmailVerifiedAsync(link.Value.UserId, link.Value.Email, cancellationToken);
        if (!verified.Succeeded)
        {
            return verified.Problem.Code == ErrorCodes.NotFound ? LifecycleTokens.Unusable() : verified.Problem;
        }

        if (!verified.Value)
        {
            // The account moved to another address since: this link confirms nothing any more.
            return LifecycleTokens.Unusable();
        }

        LogVerified(logger, link.Value.UserId);
        await securityLog.RecordAsync(new SecurityEvent(link.Value.UserId, SecurityEventTypes.EmailVerified, client), cancellationToken);
        return true;
    }

    /// <summary>How many link emails one subject (an account, a hashed address) may cause an hour.</summary>
    internal static ThrottlePolicy LinkEmailPolicy(string kind, LifecycleOptions options) =>
        new(kind, options.LinkEmailsPerHour, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

    /// <summary>The throttle subject for an address: its hash, so the throttle table holds no addresses.</summary>
    internal static string SubjectOf(string normalizedEmail) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));

    [LoggerMessage(EventId = 9401, Level = LogLevel.Information, Message = "User {UserId} confirmed their email address")]
    private static partial void LogVerified(ILogger logger, string userId);
}

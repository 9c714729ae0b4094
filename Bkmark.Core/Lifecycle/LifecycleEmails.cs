using Bkmark.Core.Email;
using Bkmark.Core.Json;
using Bkmark.Core.Passkeys;

namespace Bkmark.Core.Lifecycle;

/// <summary>
/// The lifecycle's emails (DESIGN.md §9): links carrying a single-use token to the page, and notices of what
/// changed, naming the time, address and browser. Each goes to the outbox; <see cref="Templates"/> word them.
/// </summary>
internal sealed class LifecycleEmails(IEmailOutbox outbox, TimeProvider time, IOptions<AppOptions> app)
{
    public const string VerifyEmail = "verify-email";
    public const string PasswordResetLink = "password-reset";
    public const string PasswordResetNoAccount = "password-reset-no-account";
    public const string ConfirmEmailChange = "email-change";
    public const string PasswordChanged = "password-changed";
    public const string PasswordWasReset = "password-was-reset";
    public const string EmailChanged = "email-changed";
    public const string RegistrationOfExistingAddress = "register-existing";
    public const string AccountDeleted = "account-deleted";

    /// <summary>The page the links open: Settings → Security, which reads the action and token from the fragment.</summary>
    private string PageUrl => app.Value.SecurityPageUrl.AbsoluteUri;

    /// <summary>
    /// A link to the page that carries its token in the fragment, which browsers never send to a server, so the
    /// token stays out of access logs and Referer headers; the page posts it and strips it from the address bar.
    /// </summary>
    public Task SendLinkAsync(string template, string to, string action, string token, CancellationToken cancellationToken) =>
        outbox.EnqueueAsync(
            new EmailMessage(to, template, new Dictionary<string, string> { ["page"] = PageUrl })
            {
                SecretValues = new Dictionary<string, string> { ["link"] = $"{PageUrl}#action={action}&token={Uri.EscapeDataString(token)}" },
            },
            cancellationToken);

    /// <summary>A message without a link to act on (e.g. a reset asked for an address nobody has).</summary>
    public Task SendAsync(string template, string to, CancellationToken cancellationToken) =>
        outbox.EnqueueAsync(new EmailMessage(to, template, new Dictionary<string, string> { ["page"] = PageUrl }), cancellationToken);

    /// <summary>A notice that something changed, with when, from where and with what browser (§9).</summary>
    public Task NotifyAsync(string template, string to, ClientInfo client, CancellationToken cancellationToken) =>
        outbox.EnqueueAsync(
            new EmailMessage(to, template, new Dictionary<string, string>
            {
                ["time"] = BkmarkJson.FormatTime(time.GetUtcNow()),
                ["ipAddress"] = client.IpAddress ?? "unknown",
                ["browser"] = PasskeyNames.FromUserAgent(client.UserAgent) is var name && name != "Passkey" ? name : "an unknown browser",
                ["page"] = PageUrl,
            }),
            cancellationToken);

    /// <summary>How each of the lifecycle's emails reads; registered with the outbox's sender.</summary>
    public static IReadOnlyList<IEmailTemplate> Templates { get; } =
    [
        new LifecycleEmailTemplate(VerifyEmail, values => new EmailContent(
            "Confirm your email address for Bkmark",
            ["Confirm that this is your email address, so that Bkmark can reach you about your account.", "The link works once. If you did not create a Bkmark account, ignore this email."],
            new EmailLink("Confirm email address", values["link"]))),
        new LifecycleEmailTemplate(PasswordResetLink, values => new EmailContent(
            "Reset your Bkmark password",
            ["Someone asked to reset the password of the Bkmark account with this email address. If it was you, choose a new password with the link below: it works once, and only for a short while.",
             "If it was not you, ignore this email; your password stays as it is."],
            new EmailLink("Choose a new password", values["link"]))),
        new LifecycleEmailTemplate(PasswordResetNoAccount, values => new EmailContent(
            "Bkmark password reset",
            ["Someone asked to reset the password of a Bkmark account with this email address, but there is no Bkmark account with it.",
             "If it was you, you may have signed up with another address. If it was not you, ignore this email."],
            new EmailLink("Open Bkmark", values["page"]))),
        new LifecycleEmailTemplate(ConfirmEmailChange, values => new EmailContent(
            "Confirm your new email address for Bkmark",
            ["Confirm that Bkmark should use this address for your account from now on. The link works once.",
             "If you did not ask for this, ignore this email; nothing changes."],
            new EmailLink("Confirm new address", values["link"]))),
        Notice(PasswordChanged, "Your Bkmark password was changed", "Your password was changed", "Every other session was signed out.", SecurityReviewFragment),
        Notice(PasswordWasReset, "Your Bkmark password was reset", "Your password was reset with a link sent to this address", "Every session was signed out.", SecurityReviewFragment),
        Notice(EmailChanged, "Your Bkmark email address was changed", "The email address of your account was changed to another address", "This address no longer signs in to Bkmark."),
        new LifecycleEmailTemplate(RegistrationOfExistingAddress, values => new EmailContent(
            "Someone tried to sign up to Bkmark with this address",
            ["Someone tried to create a Bkmark account with this email address, but an account with it exists already.",
             "If you did not create that account, or cannot sign in to it, reset its password with the link below. If the account's address was never confirmed, resetting the password also takes it back from whoever made it: every session, password and link of theirs stops working."],
            new EmailLink("Reset your password", values["link"]))),
        Notice(AccountDeleted, "Your Bkmark account was deleted", "Your Bkmark account was deleted", "Its sessions, keys and passkeys stopped working at once; your bookmarks are being erased. This is the last email you get from us."),
    ];

    /// <summary>
    /// Opens the page's review panel (DESIGN.md §14): whoever had the password may have added a way back in, and the
    /// panel lists what was added lately, from where, with a remove button each.
    /// </summary>
    private const string SecurityReviewFragment = "#security-review";

    private static LifecycleEmailTemplate Notice(string name, string subject, string what, string consequence, string fragment = "") =>
        new(name, values => new EmailContent(
            subject,
            [$"{what} on {values["time"]} from {values["ipAddress"]} ({values["browser"]}). {consequence}",
             fragment == SecurityReviewFragment
                ? "If this was not you, reset your password at once, then open your security settings: they list every passkey, key, invitation, " +
                  "connected account and organisation added in the last 30 days, with where it was added from, and remove what you do not recognise."
                : "If this was not you, reset your password at once and review your account's security settings."],
            new EmailLink("Review security settings", values["page"] + fragment)));

    private sealed class LifecycleEmailTemplate(string name, Func<IReadOnlyDictionary<string, string>, EmailContent> compose) : IEmailTemplate
    {
        public string Name => name;

        public EmailContent Compose(IReadOnlyDictionary<string, string> values) => compose(values);
    }
}

using Bkmark.Core.Accounts;
using Bkmark.Core.Email;
using Bkmark.Core.Sessions;

namespace Bkmark.Core.SecurityLog;

/// <summary>
/// The security events that matter most, sent by email (DESIGN.md §9, Notifications): when, from which
/// address and browser, and a link to the security page. Each is a row of <see cref="SecurityNotices"/>; one
/// with an <see cref="SecurityNotice.EventType"/> goes out whenever <see cref="SecurityEventLog"/> records that event, after the action succeeded.
/// </summary>
public sealed class SecurityNotifier
{
    public const string OccurredAtValue = "occurredAt";
    public const string IpAddressValue = "ipAddress";
    public const string BrowserValue = "browser";

    // The notice each event type sends; the others (a sign-in from a new device) their capability sends itself.
    private static readonly IReadOnlyDictionary<string, string> NoticeByEventType = SecurityNotices.All
        .Where(notice => notice.EventType is not null)
        .ToDictionary(notice => notice.EventType!, notice => notice.Name, StringComparer.Ordinal);

    private readonly UserStore users;
    private readonly IEmailOutbox outbox;
    private readonly TimeProvider time;

    internal SecurityNotifier(UserStore users, IEmailOutbox outbox, TimeProvider time)
    {
        this.users = users;
        this.outbox = outbox;
        this.time = time;
    }

    /// <summary>Emails the account's owner about an event just recorded, when its type has a notice; one user read and one queue message then, nothing otherwise.</summary>
    public async Task NotifyAsync(SecurityEvent securityEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        if (!NoticeByEventType.TryGetValue(securityEvent.Type, out var notice) ||
            await users.FindByIdAsync(securityEvent.UserId, cancellationToken) is not { } user)
        {
            return;
        }

        await SendAsync(user.Email, notice, securityEvent, cancellationToken);
    }

    /// <summary>Emails <paramref name="to"/> with <paramref name="template"/>, for a notice the caller decides on itself (a sign-in from a new device).</summary>
    public Task SendAsync(string to, string template, SecurityEvent securityEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        // Details never hold a secret (DESIGN.md §8): a key's prefix, a passkey's name.
        var values = new Dictionary<string, string>(securityEvent.Details ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [OccurredAtValue] = time.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            [IpAddressValue] = securityEvent.Client.IpAddress ?? "unknown",
            [BrowserValue] = UserAgents.Describe(securityEvent.Client.UserAgent, "an unknown browser"),
        };
        return outbox.EnqueueAsync(new EmailMessage(to, template, values), cancellationToken);
    }
}

/// <summary>
/// A security notice's email: the <see cref="SecurityNotice"/> says what happened; this adds when, where from and
/// which browser, what to do if it was not them, and the security page's link.
/// </summary>
internal sealed class SecurityNoticeTemplate(SecurityNotice notice, IOptions<AppOptions> app) : IEmailTemplate
{
    public string Name => notice.Name;

    public EmailContent Compose(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new EmailContent(
            notice.Subject,
            [
                notice.Lead(values),
                $"When: {values[SecurityNotifier.OccurredAtValue]}",
                $"IP address: {values[SecurityNotifier.IpAddressValue]}",
                $"Browser: {values[SecurityNotifier.BrowserValue]}",
                "If this was you, there is nothing to do. If it was not, open your security settings now: sign out the sessions " +
                "you do not recognise, revoke keys and passkeys you did not add, and change your password.",
            ],
            new EmailLink("Review your account security", app.Value.SecurityPageUrl.AbsoluteUri));
    }
}

namespace Bkmark.Core.Email;

/// <summary>
/// Hands an email to the <c>email-outbox</c> queue (DESIGN.md §9). The request path only enqueues;
/// the queue-triggered sender renders the message through its <see cref="IEmailTemplate"/> and sends it
/// over SMTP, so a slow or unreachable mail server never fails a request.
/// </summary>
public interface IEmailOutbox
{
    Task EnqueueAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// One email to send: who gets it, which template renders it, and the values the template fills in.
/// Values never hold a secret other than the single-use link the email exists to deliver.
/// </summary>
public sealed record EmailMessage(string To, string Template, IReadOnlyDictionary<string, string> Values);

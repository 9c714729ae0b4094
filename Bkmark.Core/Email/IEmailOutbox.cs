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
/// Values never hold a secret: the single-use link an email exists to deliver goes in <see cref="SecretValues"/>.
/// </summary>
/// <param name="To">The recipient's address.</param>
/// <param name="Template">The <see cref="IEmailTemplate.Name"/> that renders it.</param>
/// <param name="Values">What the template fills in.</param>
/// <param name="Id">
/// The idempotency key: the sender sends a message with a given id at most once while it remembers it
/// (<see cref="EmailOptions.DeliveryMemory"/>). Give one derived from what the email is about (an event's
/// id, a token's hash) when a retried request could enqueue the same email again; without one, the outbox
/// assigns a fresh id, which still keeps the queue's own redeliveries of one message from sending it twice
/// once it was recorded as sent. Letters, digits, <c>-</c> and <c>_</c>, at most 128.
/// </param>
public sealed record EmailMessage(string To, string Template, IReadOnlyDictionary<string, string> Values, string? Id = null)
{
    /// <summary>
    /// Values no queue may hold in clear (a link carrying a single-use token, DESIGN §14): the outbox seals them with
    /// AES-GCM and only the sender opens them, to render; the template reads them beside <see cref="Values"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? SecretValues { get; init; }
}

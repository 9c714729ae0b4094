using Bkmark.Core.Email;

namespace Bkmark.Functions;

/// <summary>
/// Sends what request paths put on the outbox queue (DESIGN.md §9). A failure throws: the host makes the
/// message visible again after host.json's <c>visibilityTimeout</c> and, after <c>maxDequeueCount</c> (5)
/// tries, moves it to <c>{queue}-poison</c>.
/// </summary>
/// <remarks>The queue's name is the <c>Email:OutboxQueue</c> setting (<c>email-outbox</c>), which the outbox writes to as well.</remarks>
public sealed class EmailFunctions(EmailDispatcher dispatcher)
{
    [Function(nameof(SendEmail))]
    public Task SendEmail([QueueTrigger("%Email:OutboxQueue%")] string message, CancellationToken cancellationToken) =>
        dispatcher.DeliverAsync(message, cancellationToken);
}

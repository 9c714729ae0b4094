using Azure;
using Azure.Storage.Queues;

namespace Bkmark.Core.Email;

/// <summary>
/// The outbox on Azure Queue Storage: one queue message (JSON, base64-encoded by the client as the Functions
/// queue trigger expects by default) per email. One storage transaction per email on the request path.
/// </summary>
internal sealed class QueueEmailOutbox(QueueServiceClient queues, IdGenerator ids, OutboxSealer sealer, IOptions<EmailOptions> options) : IEmailOutbox
{
    private readonly QueueClient queue = queues.GetQueueClient(options.Value.OutboxQueue);

    public async Task EnqueueAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        EmailEnvelope.Validate(message);
        string body = EmailEnvelope.Serialize(sealer.Seal(message, message.Id ?? ids.NewId()));
        try
        {
            await queue.SendMessageAsync(body, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            // The first email on a new storage account creates the queue; every later one pays nothing for it.
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await queue.SendMessageAsync(body, cancellationToken);
        }
    }
}

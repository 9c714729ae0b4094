using Azure;
using Azure.Storage.Queues;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Email;

/// <summary>
/// Clears the outbox's poison queue (<c>{outbox}-poison</c>), where the Functions host puts a message that failed
/// every delivery try: it stays <see cref="EmailOptions.PoisonRetention"/> (7 days) for an operator to look at, then
/// goes (DESIGN §14), so no email, not even a sealed link, lies there for ever. Age is the queue's own insertion time.
/// </summary>
/// <remarks>
/// A queue can only be read by taking messages: each batch is hidden for <see cref="Lease"/> while it is judged, the old
/// ones are deleted, and the ones kept are made visible again at the end, so a reader that peeks sees them as before.
/// At most <see cref="MaxBatches"/> batches a run; the rest is the next run's.
/// </remarks>
internal sealed partial class PoisonQueueSweep(QueueServiceClient queues, IOptions<EmailOptions> options, ILogger<PoisonQueueSweep> logger)
    : IRetentionSweep
{
    public const string KindName = "email-poison";

    private const int BatchSize = 32;
    private const int MaxBatches = 100;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private readonly QueueClient queue = queues.GetQueueClient(options.Value.OutboxQueue + "-poison");

    public string Kind => KindName;

    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = now - options.Value.PoisonRetention;
        var kept = new List<(string MessageId, string PopReceipt)>();
        var deleted = 0;
        try
        {
            for (var batch = 0; batch < MaxBatches; batch++)
            {
                var messages = (await queue.ReceiveMessagesAsync(BatchSize, Lease, cancellationToken)).Value;
                foreach (var message in messages)
                {
                    if (message.InsertedOn is { } inserted && inserted <= cutoff)
                    {
                        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                        deleted++;
                    }
                    else
                    {
                        kept.Add((message.MessageId, message.PopReceipt));
                    }
                }

                if (messages.Length < BatchSize)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            // No message was ever poisoned on this storage account.
            return 0;
        }
        finally
        {
            await ReleaseAsync(kept, cancellationToken);
        }

        if (deleted > 0)
        {
            LogDeleted(logger, deleted, options.Value.PoisonRetention.TotalDays);
        }

        return deleted;
    }

    private async Task ReleaseAsync(List<(string MessageId, string PopReceipt)> kept, CancellationToken cancellationToken)
    {
        foreach (var (messageId, popReceipt) in kept)
        {
            try
            {
                await queue.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                // Deleted meanwhile by an operator: nothing to release.
            }
        }
    }

    [LoggerMessage(EventId = 7503, Level = LogLevel.Information, Message = "Deleted {Count} emails that sat in the poison queue longer than {Days} days")]
    private static partial void LogDeleted(ILogger logger, int count, double days);
}

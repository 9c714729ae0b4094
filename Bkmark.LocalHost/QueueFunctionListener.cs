using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Bkmark.LocalHost;

/// <summary>
/// Runs each queue function the way the Functions host's queue listener does (host.json
/// <c>extensions.queues</c>): polls, backing off from 100 ms to <c>maxPollingInterval</c> while the queue is
/// empty; runs up to <c>batchSize</c> messages at once, each in a new scope; deletes a message whose run
/// completed; makes a failed one visible again after <c>visibilityTimeout</c>; and moves it to
/// <c>{queue}-poison</c> once it has been tried <c>maxDequeueCount</c> times.
/// </summary>
/// <remarks>
/// Polling runs on real time, not the registered <see cref="TimeProvider"/>: it is the host's plumbing, and
/// a test that freezes the app's clock still expects its emails to go out.
/// </remarks>
internal sealed class QueueFunctionListener(
    FunctionCatalog catalog, IServiceScopeFactory scopes, IConfiguration configuration, ILogger<QueueFunctionListener> logger) : BackgroundService
{
    public const string DisableQueueTriggersKey = "LocalHost:DisableQueueTriggers";

    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    // How long a received message stays hidden while its function runs; longer than any run here.
    private static readonly TimeSpan RunLease = TimeSpan.FromMinutes(10);

    private readonly QueueHostOptions options = HostJson.ReadQueueOptions(AppContext.BaseDirectory, configuration);
    private IReadOnlyList<(QueueFunction Function, QueueClient Queue, QueueClient Poison)> listening = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue<bool>(DisableQueueTriggersKey))
        {
            LocalHostLog.QueueTriggersDisabled(logger, catalog.QueueFunctions.Count);
            return Task.CompletedTask;
        }

        // Resolved here so a missing setting stops start-up with its message, as for timers.
        listening = catalog.QueueFunctions.Select(function =>
        {
            string queueName = SettingReferences.Resolve(function.Name, "queue", function.QueueName, configuration);
            string connection = configuration[function.Connection] is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException(
                    $"Queue function '{function.Name}' reads its storage account from setting '{function.Connection}', which is not configured.");
            var clientOptions = new QueueClientOptions
            {
                MessageEncoding = string.Equals(options.MessageEncoding, "none", StringComparison.OrdinalIgnoreCase)
                    ? QueueMessageEncoding.None
                    : QueueMessageEncoding.Base64,
            };
            var service = new QueueServiceClient(connection, clientOptions);
            return (function, service.GetQueueClient(queueName), service.GetQueueClient(queueName + "-poison"));
        }).ToArray();
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(listening.Select(l => ListenAsync(l.Function, l.Queue, l.Poison, stoppingToken)));

    private async Task ListenAsync(QueueFunction function, QueueClient queue, QueueClient poison, CancellationToken stoppingToken)
    {
        LocalHostLog.QueueListening(logger, function.Name, queue.Name, options.MaxPollingInterval, options.MaxDequeueCount);
        var wait = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                QueueMessage[] messages = await ReceiveAsync(function, queue, stoppingToken);
                if (messages.Length > 0)
                {
                    wait = MinPollingInterval;
                    await Task.WhenAll(messages.Select(m => RunAsync(function, queue, poison, m, stoppingToken)));
                    continue;
                }

                await Task.Delay(wait, stoppingToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, options.MaxPollingInterval.Ticks));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<QueueMessage[]> ReceiveAsync(QueueFunction function, QueueClient queue, CancellationToken stoppingToken)
    {
        try
        {
            return (await queue.ReceiveMessagesAsync(options.BatchSize, RunLease, stoppingToken)).Value;
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == "QueueNotFound")
        {
            // Nothing was ever enqueued: the queue is created by its first message.
            return [];
        }
        catch (RequestFailedException exception)
        {
            // Storage is down: keep polling with backoff, as the host does.
            LocalHostLog.QueueReceiveFailed(logger, function.Name, queue.Name, exception.Status);
            return [];
        }
    }

    private async Task RunAsync(QueueFunction function, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        // A message whose earlier runs crashed a host: the host poisons it before running it again.
        if (message.DequeueCount > options.MaxDequeueCount)
        {
            await MoveToPoisonAsync(function, queue, poison, message, stoppingToken);
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await FunctionInvoker.InvokeAsync(function, scope.ServiceProvider,
                p => p.ParameterType == typeof(CancellationToken) ? stoppingToken : message.Body.ToString());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the lease runs out and another instance (or the next start) takes the message.
            return;
        }
        catch (Exception exception)
        {
            LocalHostLog.QueueMessageFailed(logger, function.Name, message.MessageId, message.DequeueCount, options.MaxDequeueCount, exception);
            if (message.DequeueCount >= options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(function, queue, poison, message, stoppingToken);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: options.VisibilityTimeout, cancellationToken: stoppingToken);
            }

            return;
        }

        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
    }

    private async Task MoveToPoisonAsync(QueueFunction function, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        // Copy first, then delete: a crash in between leaves the message in both, never in neither.
        await poison.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        await poison.SendMessageAsync(message.Body, cancellationToken: stoppingToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
        LocalHostLog.QueueMessagePoisoned(logger, function.Name, message.MessageId, poison.Name, message.DequeueCount);
    }
}

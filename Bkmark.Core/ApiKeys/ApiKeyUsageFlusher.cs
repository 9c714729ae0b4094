using Azure;
using Microsoft.Extensions.Hosting;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Writes the usage counts no lease write carried (a key refused at its fence or over its limit leases nothing): every
/// <see cref="ApiKeyOptions.UsageFlushSeconds"/>, and all of them when the host stops, so a scale-in loses none.
/// </summary>
internal sealed partial class ApiKeyUsageFlusher(
    ApiKeyUsageCounter counter, ApiKeyUsageService usage, IOptions<ApiKeyOptions> options, ILogger<ApiKeyUsageFlusher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The process's own clock, not the injected one: this is how often the process writes, not a rule about the
        // counts' time, and a test that moves the service's clock days ahead must not set off writes.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.UsageFlushSeconds), TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAllAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAllAsync(cancellationToken);
    }

    private async Task FlushAllAsync(CancellationToken cancellationToken)
    {
        foreach (var keyId in counter.KeysWithPendingCounts.ToList())
        {
            try
            {
                await usage.FlushAsync(keyId, cancellationToken);
            }
            catch (RequestFailedException exception)
            {
                // Kept in memory: the next flush or lease write tries again.
                LogFlushFailed(logger, keyId, exception.Status);
            }
        }

        counter.Prune();
    }

    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "Could not write the usage counts of API key {KeyId} (status {Status}); they stay pending")]
    private static partial void LogFlushFailed(ILogger logger, string keyId, int status);
}

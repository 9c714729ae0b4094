using Microsoft.Extensions.Hosting;

namespace Bkmark.Core.Storage;

/// <summary>
/// Creates the tables before the host takes requests. When storage is down at that moment the host
/// still starts (requests answer 503 <c>STORAGE_UNAVAILABLE</c>) and creation is retried in the background.
/// </summary>
internal sealed partial class StorageStartup(BkmarkTables tables, ILogger<StorageStartup> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource stopping = new();
    private Task? retries;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await TryCreateAsync(cancellationToken))
        {
            retries = RetryUntilCreatedAsync(stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (retries is not null)
        {
            await retries.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => stopping.Dispose();

    private async Task RetryUntilCreatedAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(RetryDelay, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!stopping.IsCancellationRequested && await TryCreateAsync(stopping))
            {
                LogTablesCreated(logger);
                return;
            }
        }
    }

    private async Task<bool> TryCreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await tables.CreateAllAsync(cancellationToken);
            return true;
        }
        catch (Exception exception) when (StorageFailures.IsOutage(exception, cancellationToken))
        {
            LogStorageUnreachable(logger, exception.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Storage unreachable at start-up ({Reason}); retrying table creation in the background")]
    private static partial void LogStorageUnreachable(ILogger logger, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Tables created after storage came back")]
    private static partial void LogTablesCreated(ILogger logger);
}

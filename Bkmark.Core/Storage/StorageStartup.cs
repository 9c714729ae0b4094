using Microsoft.Extensions.Hosting;

namespace Bkmark.Core.Storage;

/// <summary>
/// Creates the tables before the host takes requests, in every account. When an account is down at that moment the host
/// still starts (requests that need that account answer 503 <c>STORAGE_UNAVAILABLE</c>, the others are served) and
/// creation is retried in the background for the accounts still missing their tables.
/// </summary>
internal sealed partial class StorageStartup(BkmarkTables tables, ILogger<StorageStartup> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource stopping = new();
    private readonly List<int> pending = [];
    private Task? retries;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        pending.AddRange(Enumerable.Range(0, tables.Accounts));
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

    /// <returns>True when every account has its tables.</returns>
    private async Task<bool> TryCreateAsync(CancellationToken cancellationToken)
    {
        foreach (var account in pending.ToList())
        {
            try
            {
                await tables.CreateAllAsync(account, cancellationToken);
                pending.Remove(account);
            }
            catch (Exception exception) when (StorageFailures.IsOutage(exception, cancellationToken))
            {
                LogStorageUnreachable(logger, account, exception.Message);
            }
        }

        return pending.Count == 0;
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Storage account {Account} unreachable at start-up ({Reason}); retrying table creation in the background")]
    private static partial void LogStorageUnreachable(ILogger logger, int account, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Tables created after storage came back")]
    private static partial void LogTablesCreated(ILogger logger);
}

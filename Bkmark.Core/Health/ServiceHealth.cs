using Azure.Storage.Queues;
using Bkmark.Core.Email;
using Bkmark.Core.Secrets;

namespace Bkmark.Core.Health;

/// <summary>
/// Whether the service can reach what it needs (DESIGN §18): one cheap call each to Table Storage (a point read in each
/// storage account), the outbox queue (whether it exists) and the secret store (one secret), run together, each within <see cref="CheckTimeout"/>.
/// The answer is kept <see cref="CacheFor"/>, so a load balancer's probes cost the dependencies at most three calls
/// (with several storage accounts, one more per further account) per instance per ten seconds, however often it asks.
/// </summary>
public sealed partial class ServiceHealth
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    private readonly BkmarkTables tables;
    private readonly QueueClient outbox;
    private readonly ISecretProvider secrets;
    private readonly TimeProvider time;
    private readonly ILogger<ServiceHealth> logger;
    private readonly Lock gate = new();
    private (DateTimeOffset At, Task<HealthReport> Report)? cached;

    // Internal because the tables it takes are; registered with AddServiceWithInternalConstructor.
    internal ServiceHealth(
        BkmarkTables tables, QueueServiceClient queues, ISecretProvider secrets, IOptions<EmailOptions> email, TimeProvider time, ILogger<ServiceHealth> logger)
    {
        this.tables = tables;
        outbox = queues.GetQueueClient(email.Value.OutboxQueue);
        this.secrets = secrets;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>The latest report, checked anew when the cached one is older than <see cref="CacheFor"/>; concurrent callers share one check.</summary>
    public Task<HealthReport> CheckAsync()
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (cached is not { } last || now - last.At >= CacheFor)
            {
                // Not the caller's token: the check is shared, and one caller going away must not fail it for the rest.
                cached = (now, RunChecksAsync());
            }

            return cached.Value.Report;
        }
    }

    private async Task<HealthReport> RunChecksAsync()
    {
        var probes = Enumerable.Range(0, tables.Accounts)
            .Select(account => CheckOneAsync(
                HealthReport.TablesOf(account, tables.Accounts),
                token => tables.InAccount(account, TableNames.SweepState).GetEntityIfExistsAsync<TableEntity>("health", "probe", [nameof(ITableEntity.PartitionKey)], token)))
            .ToList();
        // Exists: the outbox queue is created at the first email, and a 404 is an answer too.
        probes.Add(CheckOneAsync(HealthReport.Queues, token => outbox.ExistsAsync(token)));
        probes.Add(CheckOneAsync(HealthReport.Secrets, token => secrets.GetSecretAsync(SecretNames.CredentialPepper, token)));
        var checks = await Task.WhenAll(probes);
        return new HealthReport(checks.ToDictionary(check => check.Name, check => check.Healthy ? HealthReport.Ok : HealthReport.Failing, StringComparer.Ordinal));
    }

    private async Task<(string Name, bool Healthy)> CheckOneAsync<T>(string name, Func<CancellationToken, Task<T>> call)
    {
        using var timeout = new CancellationTokenSource(CheckTimeout);
        try
        {
            await call(timeout.Token);
            return (name, true);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            // Whatever the dependency threw (a refused connection, a 403 from Key Vault, our own time-out) makes it failing.
            LogCheckFailed(logger, name, exception.GetType().Name, exception);
            return (name, false);
        }
    }

    [LoggerMessage(EventId = 9501, Level = LogLevel.Warning, Message = "Health check of {Dependency} failed ({ExceptionType})")]
    private static partial void LogCheckFailed(ILogger logger, string dependency, string exceptionType, Exception exception);
}

/// <summary>
/// The health route's answer: <c>ok</c> or <c>failing</c> for each of <see cref="Tables"/> (one check per storage account
/// when there are several: <c>tables (account 1)</c>), <see cref="Queues"/>, <see cref="Secrets"/>.
/// </summary>
public sealed record HealthReport(IReadOnlyDictionary<string, string> Checks)
{
    public const string Tables = "tables";
    public const string Queues = "queues";
    public const string Secrets = "secrets";
    public const string Ok = "ok";
    public const string Failing = "failing";

    public bool Healthy => Checks.Values.All(status => status == Ok);

    /// <summary>The name of one account's table check: <see cref="Tables"/> when there is one account.</summary>
    public static string TablesOf(int account, int accounts) =>
        accounts == 1 ? Tables : string.Create(CultureInfo.InvariantCulture, $"{Tables} (account {account})");

    /// <summary><c>ok</c>, or <c>failing</c> when any check is.</summary>
    public string Status => Healthy ? Ok : Failing;

    /// <summary>What failed, in words: "tables, queues".</summary>
    public string FailingParts => string.Join(", ", Checks.Where(check => check.Value != Ok).Select(check => check.Key));
}

using System.Globalization;
using Azure.Storage.Queues;
using Bkmark.Core.Email;
using Microsoft.Extensions.Logging;

namespace Bkmark.Tests.Email;

/// <summary>
/// The local host with a test template (<see cref="TestEmailTemplate"/>) and logs captured, sending through the
/// tests' MailDev. Subclasses change the SMTP server and the host's queue timings.
/// </summary>
public class EmailHostFixture : LocalHostFixture
{
    public EmailHostFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    protected EmailHostFixture(IDictionary<string, string?> configuration)
        : base(configuration)
    {
    }

    public CapturedLogs Logs { get; } = new();

    public IEmailOutbox Outbox => Services.GetRequiredService<IEmailOutbox>();

    /// <summary>The outbox queue, or with <paramref name="poison"/> its poison queue, read as the host reads them.</summary>
    public QueueClient Queue(bool poison = false) =>
        new(AzuriteStorage.ConnectionString, poison ? OutboxQueue + "-poison" : OutboxQueue,
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>Waits until <paramref name="count"/> messages containing <paramref name="text"/> are in the poison queue; returns their bodies.</summary>
    public async Task<IReadOnlyList<string>> WaitForPoisonedAsync(string text, int count)
    {
        var poison = Queue(poison: true);
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await poison.ExistsAsync())
            {
                var found = (await poison.PeekMessagesAsync(32)).Value
                    .Select(m => m.Body.ToString())
                    .Where(body => body.Contains(text, StringComparison.Ordinal))
                    .ToArray();
                if (found.Length >= count)
                {
                    return found;
                }
            }

            await Task.Delay(200);
        }

        var queueLog = Logs.Lines.Where(line => line.Contains("QueueFunctionListener", StringComparison.Ordinal) || line.Contains("EmailDispatcher", StringComparison.Ordinal));
        throw new TimeoutException($"{count} message(s) with '{text}' did not reach the poison queue within 120 s. The host logged:\n{string.Join("\n", queueLog)}");
    }

    public static EmailMessage Message(string to, string? id = null, string subject = "Test email", string body = "Hello") =>
        new(to, TestEmailTemplate.TemplateName, new Dictionary<string, string>
        {
            ["subject"] = subject,
            ["body"] = body,
            ["link"] = "http://localhost:7071/api/settings/security#token=abc123",
        }, id);

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<IEmailTemplate, TestEmailTemplate>();
        services.AddSingleton<ILoggerProvider>(Logs);
    }

    protected static string ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>The host with SMTP pointing at a closed port, and queue timings short enough to reach the poison queue in seconds.</summary>
public sealed class UnreachableSmtpHostFixture() : EmailHostFixture(new Dictionary<string, string?>
{
    ["Email:Smtp:Port"] = ClosedPort(),
    // Should anything take the port meanwhile, a try still fails quickly instead of waiting 30 s for a greeting.
    ["Email:Smtp:Timeout"] = "00:00:02",
    ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200",
    ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00",
});

/// <summary>A template whose words come straight from the message's values, to see the renderer's work.</summary>
public sealed class TestEmailTemplate : IEmailTemplate
{
    public const string TemplateName = "test-email";

    public string Name => TemplateName;

    public EmailContent Compose(IReadOnlyDictionary<string, string> values) =>
        new(values["subject"], [values["body"]], new EmailLink("Open it", values["link"]));
}

using Bkmark.Core.Telemetry;
namespace Bkmark.Core.Email;

/// <summary>
/// Delivers one outbox message (the queue trigger's whole job): finds its template, renders it, sends it over
/// SMTP, remembers its id. Any failure throws, so the host makes the message visible again and, after the
/// host's <c>maxDequeueCount</c> tries, moves it to the poison queue.
/// </summary>
/// <remarks>
/// Delivery is at least once. The id is remembered only after the SMTP server accepted the email, and no
/// protocol lets us send and remember in one step: if the host dies between the two (or the record's write
/// fails) the message comes back and is sent again. Remembering first would turn that rare duplicate into a
/// lost email, which is worse for a password-reset link. The window is one table write wide, and the
/// Message-ID stays the same on a resend, so mail systems that dedupe by it show one email.
/// </remarks>
public sealed partial class EmailDispatcher
{
    private readonly IReadOnlyDictionary<string, IEmailTemplate> templates;
    private readonly EmailRenderer renderer;
    private readonly SmtpEmailSender sender;
    private readonly EmailDeliveryStore deliveries;
    private readonly OutboxSealer sealer;
    private readonly TimeProvider time;
    private readonly IOptions<EmailOptions> options;
    private readonly ILogger<EmailDispatcher> logger;
    private readonly BkmarkMetrics metrics;

    // Internal because the sender and store it takes are; registered with AddServiceWithInternalConstructor.
    internal EmailDispatcher(
        IEnumerable<IEmailTemplate> templates, EmailRenderer renderer, SmtpEmailSender sender, EmailDeliveryStore deliveries,
        OutboxSealer sealer, TimeProvider time, IOptions<EmailOptions> options, ILogger<EmailDispatcher> logger, BkmarkMetrics metrics)
    {
        this.templates = templates.ToDictionary(t => t.Name, StringComparer.Ordinal);
        this.renderer = renderer;
        this.sender = sender;
        this.deliveries = deliveries;
        this.sealer = sealer;
        this.time = time;
        this.options = options;
        this.logger = logger;
        this.metrics = metrics;
    }

    /// <param name="queueMessage">The queue message's text, as the outbox wrote it.</param>
    /// <param name="cancellationToken">The host is stopping.</param>
    /// <exception cref="JsonException">The message is not an outbox envelope.</exception>
    /// <exception cref="InvalidOperationException">No template has the message's name.</exception>
    /// <exception cref="CryptographicException">The message's sealed values do not open.</exception>
    public async Task DeliverAsync(string queueMessage, CancellationToken cancellationToken)
    {
        var message = EmailEnvelope.Parse(queueMessage);
        string id = message.Id!;
        if (await deliveries.WasSentAsync(id, cancellationToken))
        {
            LogAlreadySent(logger, id, message.Template);
            metrics.Email(message.Template, "duplicate");
            return;
        }

        if (!templates.TryGetValue(message.Template, out var template))
        {
            throw new InvalidOperationException($"No email template is registered as '{message.Template}'.");
        }

        // Opened here, in memory, for this render only: the link never lies on the queue in clear.
        var email = renderer.Render(template.Compose(sealer.Open(message)));
        try
        {
            await sender.SendAsync(message.To, email, id, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The queue retries the message; each failed try is counted.
            metrics.Email(message.Template, "failed");
            throw;
        }

        metrics.Email(message.Template, "sent");
        var now = time.GetUtcNow();
        LogSent(logger, id, message.Template);
        await deliveries.RecordSentAsync(id, now, now + options.Value.DeliveryMemory, cancellationToken);
    }

    // The recipient's address is personal data and the values may hold a link's token: neither is logged.
    [LoggerMessage(EventId = 7501, Level = LogLevel.Information, Message = "Email {MessageId} ({Template}) sent")]
    private static partial void LogSent(ILogger logger, string messageId, string template);

    [LoggerMessage(EventId = 7502, Level = LogLevel.Information, Message = "Email {MessageId} ({Template}) was sent before; not sending it again")]
    private static partial void LogAlreadySent(ILogger logger, string messageId, string template);
}

using System.Collections.Concurrent;
using Bkmark.Core.Email;
using Moq;

namespace Bkmark.Tests.Lifecycle;

/// <summary>
/// For the service tests only: an outbox that keeps what the lifecycle enqueued, so a test can follow a link.
/// The HTTP tests read real email from MailDev instead.
/// </summary>
public sealed class LifecycleMail
{
    private readonly ConcurrentQueue<EmailMessage> sent = new();

    public LifecycleMail()
    {
        var outbox = new Mock<IEmailOutbox>();
        outbox.Setup(o => o.EnqueueAsync(It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>()))
            .Callback<EmailMessage, CancellationToken>((message, _) => sent.Enqueue(message))
            .Returns(Task.CompletedTask);
        Outbox = outbox.Object;
    }

    public IEmailOutbox Outbox { get; }

    public IReadOnlyList<EmailMessage> Sent => sent.ToArray();

    public IReadOnlyList<EmailMessage> To(string address) => sent.Where(m => m.To == address).ToList();

    /// <summary>The token in the link of the last <paramref name="template"/> email to <paramref name="address"/>.</summary>
    public string LastToken(string address, string template)
    {
        var message = sent.Last(m => m.To == address && m.Template == template);
        return TokenOf(message.SecretValues!["link"]);
    }

    /// <summary>The <c>token</c> parameter of a link's fragment.</summary>
    public static string TokenOf(string link)
    {
        var fragment = new Uri(link).Fragment.TrimStart('#');
        var pair = fragment.Split('&').Single(p => p.StartsWith("token=", StringComparison.Ordinal));
        return Uri.UnescapeDataString(pair["token=".Length..]);
    }
}

using Bkmark.Core.Secrets;

namespace Bkmark.Core.Email;

/// <summary>
/// Seals an outbox message's secret values (DESIGN §14: no raw secret at rest, queues included) with AES-256-GCM
/// under <see cref="KeyRing.OutboxEncryptionKey"/>, so the queue, its poison queue and anyone who can read them hold
/// no usable link. The message's id and recipient are the associated data: a sealed link copied onto another message,
/// or a message redirected to another address, does not open.
/// </summary>
internal sealed class OutboxSealer(KeyRing keys)
{
    public QueuedEmail Seal(EmailMessage message, string id)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sealedValues = message.SecretValues is { Count: > 0 } secrets
            ? SealedBox.Seal(keys.OutboxEncryptionKey, JsonSerializer.SerializeToUtf8Bytes(secrets, EmailEnvelope.JsonOptions), AssociatedData(id, message.To))
            : null;
        return new QueuedEmail(message.To, message.Template, message.Values, id, sealedValues);
    }

    /// <summary>The values a template renders: the plain ones and the opened secret ones.</summary>
    /// <exception cref="CryptographicException">The sealed values were altered, moved, or sealed under another key.</exception>
    public IReadOnlyDictionary<string, string> Open(QueuedEmail message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.SealedValues is null)
        {
            return message.Values;
        }

        var opened = SealedBox.Open(keys.OutboxEncryptionKey, message.SealedValues, AssociatedData(message.Id!, message.To))
            ?? throw new CryptographicException($"The sealed values of email {message.Id} do not open: altered, moved to another message, or sealed under another email-outbox-key.");
        var values = new Dictionary<string, string>(message.Values, StringComparer.Ordinal);
        foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(opened, EmailEnvelope.JsonOptions)!)
        {
            values[name] = value;
        }

        return values;
    }

    private static byte[] AssociatedData(string id, string to) => Encoding.UTF8.GetBytes($"bkmark/email-outbox/v1:{id}:{to}");
}

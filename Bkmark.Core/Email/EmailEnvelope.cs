using System.Text.RegularExpressions;

namespace Bkmark.Core.Email;

/// <summary>
/// The queue message's shape: an <see cref="EmailMessage"/> as camelCase JSON, its <see cref="EmailMessage.SecretValues"/>
/// sealed (<see cref="QueuedEmail.SealedValues"/>), written by the outbox and read by the dispatcher.
/// </summary>
internal static partial class EmailEnvelope
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <exception cref="ArgumentException">A message the dispatcher could never send: a bug in the caller, so it fails the request that made it rather than the queue.</exception>
    public static void Validate(EmailMessage message)
    {
        if (string.IsNullOrWhiteSpace(message.To) || !message.To.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException("An email needs a recipient address.", nameof(message));
        }

        if (string.IsNullOrWhiteSpace(message.Template))
        {
            throw new ArgumentException("An email needs a template name.", nameof(message));
        }

        if (message.Id is not null && !IdPattern().IsMatch(message.Id))
        {
            throw new ArgumentException("An email id has 1–128 letters, digits, '-' or '_'.", nameof(message));
        }

        if (message.SecretValues?.Keys.Intersect(message.Values.Keys, StringComparer.Ordinal).FirstOrDefault() is { } both)
        {
            throw new ArgumentException($"The value '{both}' is both a plain and a secret value.", nameof(message));
        }
    }

    public static string Serialize(QueuedEmail message) => JsonSerializer.Serialize(message, JsonOptions);

    /// <exception cref="JsonException">The queue message is not an email envelope.</exception>
    public static QueuedEmail Parse(string queueMessage)
    {
        var message = JsonSerializer.Deserialize<QueuedEmail>(queueMessage, JsonOptions)
            ?? throw new JsonException("The queue message is null.");
        if (message.Id is null || message.Values is null)
        {
            throw new JsonException("The queue message lacks an id or values.");
        }

        Validate(new EmailMessage(message.To, message.Template, message.Values, message.Id));
        return message;
    }

    // A table RowKey and a Message-ID local part alike.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}

/// <summary>An email as it waits on the queue: no secret in clear, <see cref="SealedValues"/> opened only to render it.</summary>
internal sealed record QueuedEmail(string To, string Template, IReadOnlyDictionary<string, string> Values, string? Id, string? SealedValues = null);

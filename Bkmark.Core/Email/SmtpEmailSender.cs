using System.Net;
using Bkmark.Core.Secrets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Bkmark.Core.Email;

/// <summary>
/// Sends one rendered email over SMTP with MailKit: a connection per email, which is what a queue trigger
/// that may run on any instance at any time can count on. Any failure throws, so the queue retries.
/// </summary>
internal sealed class SmtpEmailSender(IOptions<EmailOptions> options, ISecretProvider secrets)
{
    private readonly SmtpOptions smtp = options.Value.Smtp;
    private string? password;

    /// <summary>
    /// Reads the password when a user name is set, so a relay configured without one stops start-up instead
    /// of failing every email later.
    /// </summary>
    /// <exception cref="InvalidOperationException">A user name is set and the secret store has no password.</exception>
    public async Task EnsureConfiguredAsync(CancellationToken cancellationToken)
    {
        if (smtp.UserName is { Length: > 0 })
        {
            await PasswordAsync(cancellationToken);
        }
    }

    private async Task<string> PasswordAsync(CancellationToken cancellationToken) =>
        password ??= await secrets.GetSecretAsync(SmtpOptions.PasswordSecretName, cancellationToken) ?? throw new InvalidOperationException(
            $"Email:Smtp:UserName is set but secret '{SmtpOptions.PasswordSecretName}' is missing. Put the SMTP password in Key Vault " +
            $"(KeyVault__Uri) or in the setting Secrets__{SmtpOptions.PasswordSecretName}.");

    /// <remarks>
    /// <paramref name="messageId"/>, the outbox id, is the Message-ID's local part, so a receiving system that
    /// dedupes by Message-ID sees a resend as the same email.
    /// </remarks>
    public async Task SendAsync(string to, RenderedEmail email, string messageId, CancellationToken cancellationToken)
    {
        var from = MailboxAddress.Parse(smtp.From);
        var message = new MimeMessage { Subject = email.Subject, MessageId = $"{messageId}@{from.Domain}" };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(to));
        message.Body = new BodyBuilder { TextBody = email.Text, HtmlBody = email.Html }.ToMessageBody();

        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        await client.ConnectAsync(smtp.Host, smtp.Port, SecurityFor(smtp), cancellationToken);
        if (smtp.UserName is { Length: > 0 } userName)
        {
            await client.AuthenticateAsync(userName, await PasswordAsync(cancellationToken), cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    internal static SecureSocketOptions SecurityFor(SmtpOptions smtp) => smtp.Security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        // RFC 8314: 465 is implicit TLS; 587 (submission) must not fall back to plain text with a password on it.
        _ when smtp.Port == 465 => SecureSocketOptions.SslOnConnect,
        _ when smtp.Port == 587 => SecureSocketOptions.StartTls,
        // MailDev on this machine offers no certificate worth checking; nothing leaves the machine.
        _ when IsLoopback(smtp.Host) => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}

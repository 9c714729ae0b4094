using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Email;

/// <summary>Outgoing email (<c>Email__…</c>): the outbox queue, the SMTP relay, and how long sent ids are remembered.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>
    /// The outbox queue. The queue trigger names it as <c>%Email:OutboxQueue%</c>, so the sender and the
    /// function always agree; tests give each host its own.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,55}[a-z0-9]$", ErrorMessage = "Email:OutboxQueue must be a queue name (3–57 lower-case letters, digits and single hyphens; 57 leaves room for '-poison').")]
    public string OutboxQueue { get; set; } = "email-outbox";

    /// <summary>
    /// How long a sent message's id is remembered, so a redelivered or re-enqueued message with that id is
    /// not sent again. Longer than the queue's whole retry span (5 tries) and any sensible request retry.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan DeliveryMemory { get; set; } = TimeSpan.FromDays(2);

    /// <summary>
    /// How long a message that failed every delivery try stays in the poison queue for an operator to look at, before
    /// the timer sweep deletes it (DESIGN §14: no secret at rest for ever, queues included).
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "30.00:00:00")]
    public TimeSpan PoisonRetention { get; set; } = TimeSpan.FromDays(7);

    [Required]
    public SmtpOptions Smtp { get; set; } = new();
}

/// <summary>
/// The SMTP relay (<c>Email__Smtp__…</c>). The defaults are the local MailDev that <c>./run.sh</c> starts;
/// Azure Communication Services' relay is <c>smtp.azurecomm.net</c>, port 587, STARTTLS, with a user name
/// and the password in the secret store as <see cref="PasswordSecretName"/>.
/// </summary>
public sealed class SmtpOptions
{
    /// <summary>The secret (Key Vault secret, or <c>Secrets__smtp-password</c> locally) holding the SMTP password.</summary>
    public const string PasswordSecretName = "smtp-password";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1025;

    /// <summary>Unset: no authentication (MailDev). Set: the password must be in the secret store.</summary>
    public string? UserName { get; set; }

    /// <summary>The sender, <c>Name &lt;address&gt;</c> or a bare address; the relay must allow it (ACS: a verified domain's address).</summary>
    [Required]
    public string From { get; set; } = "Bkmark <no-reply@localhost>";

    /// <summary>
    /// <see cref="SmtpSecurity.Auto"/>: TLS from the first byte on 465, STARTTLS required on 587, none to a
    /// loopback server (MailDev), STARTTLS when offered elsewhere.
    /// </summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>How long one connect, authenticate or send may take before the attempt fails and the queue retries it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    Auto,
    None,
    StartTls,
    SslOnConnect,
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Bkmark.Tests.Infrastructure;

/// <summary>One email as MailDev received it over SMTP.</summary>
/// <param name="Html">The HTML part; empty when the email had none.</param>
public sealed record ReceivedEmail(string Id, string To, string Subject, string Text, string Html)
{
    /// <summary>The <c>token=</c> value of the first link carrying one (query or fragment), as a page would read it.</summary>
    public string Token => MailDevInbox.ExtractToken(Text);
}

/// <summary>
/// The MailDev the tests send through (DESIGN.md §9): test.sh starts a private one on free ports and passes
/// them in <see cref="SmtpPortVariable"/> and <see cref="WebPortVariable"/>; without them, run.sh's (1025 and
/// 1080). Every <see cref="LocalHostFixture"/> sends its email there. Read what arrived with
/// <see cref="WaitForEmailAsync"/>; tests tell their emails apart by recipient, so use a fresh address.
/// </summary>
public static partial class MailDevInbox
{
    public const string SmtpPortVariable = "BKMARK_TEST_MAILDEV_SMTP_PORT";
    public const string WebPortVariable = "BKMARK_TEST_MAILDEV_WEB_PORT";

    /// <summary>Long enough for the local host's queue polling (2 s at most) and a retry on a machine shared with other builds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly HttpClient Http = new() { BaseAddress = new Uri($"http://127.0.0.1:{Port(WebPortVariable, 1080)}/") };

    public static int SmtpPort => Port(SmtpPortVariable, 1025);

    /// <summary>MailDev's web address, whose <c>email</c> route lists what it holds (for tools outside the tests).</summary>
    public static Uri WebAddress => Http.BaseAddress!;

    /// <summary>Every email MailDev holds for <paramref name="to"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<ReceivedEmail>> ListAsync(string to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        using var document = JsonDocument.Parse(await Http.GetStringAsync("api/email", cancellationToken));
        return document.RootElement.EnumerateArray()
            .Select(Read)
            .Where(email => string.Equals(email.To, to, StringComparison.OrdinalIgnoreCase))
            .ToArray();
    }

    /// <summary>Polls MailDev until an email to <paramref name="to"/> (matching <paramref name="match"/>, if given) arrives.</summary>
    /// <exception cref="TimeoutException">None arrived within <paramref name="timeout"/> (<see cref="DefaultTimeout"/>).</exception>
    public static async Task<ReceivedEmail> WaitForEmailAsync(
        string to, Func<ReceivedEmail, bool>? match = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var found = (await ListAsync(to, cancellationToken)).FirstOrDefault(email => match?.Invoke(email) ?? true);
            if (found is not null)
            {
                return found;
            }

            if (DateTimeOffset.UtcNow >= deadline)
            {
                throw new TimeoutException($"No email to {to} arrived in MailDev ({Http.BaseAddress}) within {timeout ?? DefaultTimeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>The <c>token=</c> value of the first link in <paramref name="text"/> that carries one (after <c>?</c>, <c>#</c> or <c>&amp;</c>).</summary>
    /// <exception cref="InvalidOperationException">No link carries a token.</exception>
    public static string ExtractToken(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = TokenParameter().Match(text);
        return match.Success
            ? Uri.UnescapeDataString(match.Groups[1].Value)
            : throw new InvalidOperationException("The email has no link with a token= parameter.");
    }

    private static ReceivedEmail Read(JsonElement email) => new(
        email.GetProperty("id").GetString()!,
        email.GetProperty("to").EnumerateArray().Select(a => a.GetProperty("address").GetString()!).FirstOrDefault() ?? "",
        email.TryGetProperty("subject", out var subject) ? subject.GetString() ?? "" : "",
        email.TryGetProperty("text", out var text) ? text.GetString() ?? "" : "",
        email.TryGetProperty("html", out var html) && html.ValueKind == JsonValueKind.String ? html.GetString()! : "");

    private static int Port(string variable, int fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    [GeneratedRegex(@"[?#&]token=([^&#\s""'<>]+)", RegexOptions.CultureInvariant)]
    private static partial Regex TokenParameter();
}

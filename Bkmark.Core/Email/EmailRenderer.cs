using System.Net;

namespace Bkmark.Core.Email;

/// <summary>An email ready to send: the subject and the same words as plain text and as HTML.</summary>
public sealed record RenderedEmail(string Subject, string Text, string Html);

/// <summary>
/// Lays an <see cref="EmailContent"/> out as plain text and HTML, with a footer linking to the security page.
/// Templates hand over plain words; this is the one place they are HTML-escaped, exactly once, so a template
/// can neither forget to escape a value (a display name with <c>&lt;script&gt;</c>) nor escape it twice.
/// </summary>
public sealed class EmailRenderer(IOptions<AppOptions> app)
{
    internal const string FooterText =
        "You get this email because it concerns your Bkmark account. Review your sign-ins, passkeys and API keys:";

    public RenderedEmail Render(EmailContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Action is { } action && !IsWebLink(action.Url))
        {
            // A template bug; a javascript: or relative link must never reach an inbox.
            throw new ArgumentException($"The email's link must be an absolute http(s) URL, not '{action.Url}'.", nameof(content));
        }

        string securityPage = app.Value.SecurityPageUrl.AbsoluteUri;
        return new RenderedEmail(SingleLine(content.Subject), Text(content, securityPage), Html(content, securityPage));
    }

    private static string Text(EmailContent content, string securityPage)
    {
        var text = new StringBuilder();
        foreach (string paragraph in content.Paragraphs)
        {
            text.Append(paragraph).Append("\n\n");
        }

        if (content.Action is { } action)
        {
            text.Append(action.Label).Append(":\n").Append(action.Url).Append("\n\n");
        }

        text.Append("-- \n").Append(FooterText).Append('\n').Append(securityPage).Append('\n');
        return text.ToString();
    }

    private static string Html(EmailContent content, string securityPage)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(Encode(content.Subject)).Append("</title></head>")
            .Append("<body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a;max-width:36em\">");
        foreach (string paragraph in content.Paragraphs)
        {
            html.Append("<p>").Append(Encode(paragraph)).Append("</p>");
        }

        if (content.Action is { } action)
        {
            html.Append("<p><a href=\"").Append(Encode(action.Url))
                .Append("\" style=\"display:inline-block;padding:.6em 1.2em;background:#2458d3;color:#fff;text-decoration:none;border-radius:4px\">")
                .Append(Encode(action.Label)).Append("</a></p>")
                .Append("<p style=\"font-size:.9em\">Or open this link: ").Append(Encode(action.Url)).Append("</p>");
        }

        html.Append("<hr><p style=\"font-size:.85em;color:#555\">").Append(Encode(FooterText))
            .Append(" <a href=\"").Append(Encode(securityPage)).Append("\">").Append(Encode(securityPage)).Append("</a></p>")
            .Append("</body></html>");
        return html.ToString();
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    // A header cannot hold a line break; a subject built from a value must not start a new header.
    private static string SingleLine(string subject) => subject.ReplaceLineEndings(" ");

    private static bool IsWebLink(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}

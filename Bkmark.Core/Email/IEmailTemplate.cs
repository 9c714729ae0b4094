namespace Bkmark.Core.Email;

/// <summary>
/// Turns an <see cref="EmailMessage"/>'s values into what the person reads. A capability registers its
/// templates in its own Add… method (<c>services.AddSingleton&lt;IEmailTemplate, …&gt;()</c>); the sender
/// finds one by <see cref="Name"/> and lays the content out as plain text and HTML, escaping it once.
/// </summary>
public interface IEmailTemplate
{
    /// <summary>The name an <see cref="EmailMessage.Template"/> carries, e.g. <c>password-reset</c>.</summary>
    string Name { get; }

    EmailContent Compose(IReadOnlyDictionary<string, string> values);
}

/// <summary>An email's words: a subject, plain paragraphs, and at most one link the person should follow.</summary>
public sealed record EmailContent(string Subject, IReadOnlyList<string> Paragraphs, EmailLink? Action = null);

/// <summary>A link shown as a button in HTML and as a bare URL in plain text.</summary>
public sealed record EmailLink(string Label, string Url);

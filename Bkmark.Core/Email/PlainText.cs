namespace Bkmark.Core.Email;

/// <summary>
/// Text chosen by a stranger (an organisation's name) made safe to put in mail from Bkmark's domain: one line, no
/// control or invisible formatting characters (bidi overrides included), and nothing a mail client turns into a link
/// or an address. Dots and <c>@</c> become look-alikes (U+2024, U+FF20), so <c>evil.example/login</c> stays words.
/// </summary>
public static class PlainText
{
    public static string Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || Rune.IsWhiteSpace(rune))
            {
                if (text.Length > 0 && text[^1] != ' ')
                {
                    text.Append(' ');
                }

                continue;
            }

            text.Append(rune.Value switch
            {
                '.' => "\u2024",
                '@' => "\uFF20",
                _ => rune.ToString(),
            });
        }

        return text.ToString().Trim();
    }
}

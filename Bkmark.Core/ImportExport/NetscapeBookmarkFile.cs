using System.Globalization;
using System.Net;
using System.Text;
using Bkmark.Core.Bookmarks;
using Bkmark.Core.Errors;
using Bkmark.Core.Groups;

namespace Bkmark.Core.ImportExport;

/// <summary>
/// The Netscape bookmark file (<c>&lt;!DOCTYPE NETSCAPE-Bookmark-file-1&gt;</c>) that every browser imports and exports.
/// Folders (<c>&lt;H3&gt;</c> + <c>&lt;DL&gt;</c>) map to groups: a bookmark belongs to its innermost folder, except
/// the browsers' own roots (<c>PERSONAL_TOOLBAR_FOLDER</c>, <c>UNFILED_BOOKMARKS_FOLDER</c>), whose direct children stay
/// ungrouped. <c>&lt;DD&gt;</c> after an item is its description (notes). Unknown attributes (ICON, ICON_URI,
/// LAST_CHARSET, SHORTCUTURL) are ignored. Bkmark writes <c>FAVORITE="true"</c>, which browsers ignore.
/// </summary>
public static class NetscapeBookmarkFile
{
    public const string ContentType = "text/html";
    private const string Doctype = "<!DOCTYPE NETSCAPE-Bookmark-file-1>";
    private static readonly string[] RootFolderAttributes = ["PERSONAL_TOOLBAR_FOLDER", "UNFILED_BOOKMARKS_FOLDER"];

    public static bool LooksLikeOne(string text) => text.TrimStart().StartsWith(Doctype, StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes groups as folders (with their descriptions) followed by the ungrouped bookmarks, newest first.</summary>
    internal static string Write(IReadOnlyList<GroupEntity> groups, IReadOnlyList<BookmarkEntity> bookmarks)
    {
        var text = new StringBuilder();
        text.Append(Doctype).Append('\n')
            .Append("<!-- This is an automatically generated file.\n     It will be read and overwritten.\n     DO NOT EDIT! -->\n")
            .Append("<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=UTF-8\">\n")
            .Append("<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n");
        foreach (var group in groups)
        {
            text.Append($"    <DT><H3 ADD_DATE=\"{Seconds(group.CreatedAt)}\" LAST_MODIFIED=\"{Seconds(group.UpdatedAt)}\">{Escape(group.Name)}</H3>\n");
            if (group.Description is not null)
            {
                text.Append($"    <DD>{Escape(group.Description)}\n");
            }

            text.Append("    <DL><p>\n");
            foreach (var bookmark in bookmarks.Where(b => b.GroupId == group.Id))
            {
                WriteBookmark(text, bookmark, "        ");
            }

            text.Append("    </DL><p>\n");
        }

        var groupIds = groups.Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var bookmark in bookmarks.Where(b => b.GroupId is null || !groupIds.Contains(b.GroupId)))
        {
            WriteBookmark(text, bookmark, "    ");
        }

        return text.Append("</DL><p>\n").ToString();
    }

    /// <summary>Reads a whole file; a structural fault is a 400 naming its line, and nothing of the file is used.</summary>
    public static Result<ImportedLibrary> Parse(string text) => new Parser(text).Run();

    private static void WriteBookmark(StringBuilder text, BookmarkEntity bookmark, string indent)
    {
        text.Append(indent).Append($"<DT><A HREF=\"{Escape(bookmark.Url)}\" ADD_DATE=\"{Seconds(bookmark.CreatedAt)}\" LAST_MODIFIED=\"{Seconds(bookmark.UpdatedAt)}\"");
        if (bookmark.Tags.Length > 0)
        {
            text.Append($" TAGS=\"{Escape(bookmark.Tags)}\"");
        }

        if (bookmark.Favorite)
        {
            text.Append(" FAVORITE=\"true\"");
        }

        text.Append($">{Escape(bookmark.Title)}</A>\n");
        if (bookmark.Notes.Length > 0)
        {
            text.Append(indent).Append($"<DD>{Escape(bookmark.Notes)}\n");
        }
    }

    /// <summary>Escapes &amp; &lt; &gt; " and ' (what a browser's own export escapes), and nothing else, so the file stays readable UTF-8.</summary>
    private static string Escape(string value) => value
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal);

    private static string Seconds(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private sealed class Parser(string text)
    {
        private readonly List<ImportedGroup> _groups = [];
        private readonly List<ImportedBookmark> _bookmarks = [];
        private readonly Stack<Folder> _folders = new();
        private int _position;
        private int _line = 1;
        private Folder? _pendingFolder;

        // Whatever a <DD> describes: the bookmark or folder just before it.
        private Action<string>? _describe;

        public Result<ImportedLibrary> Run()
        {
            SkipWhiteSpace();
            if (!text.AsSpan(_position).StartsWith(Doctype, StringComparison.OrdinalIgnoreCase))
            {
                return Malformed(_line, $"Not a Netscape bookmark file: it must start with {Doctype}.");
            }

            while (_position < text.Length)
            {
                if (text[_position] != '<')
                {
                    ReadText();
                }
                else if (ReadMarkup() is { } fault)
                {
                    return fault;
                }
            }

            return _folders.Count > 0
                ? Malformed(_folders.Peek().Line, "This <DL> is never closed with </DL>.")
                : new ImportedLibrary(_groups, _bookmarks);
        }

        private Problem? ReadMarkup()
        {
            var line = _line;
            if (text.AsSpan(_position).StartsWith("<!--", StringComparison.Ordinal))
            {
                return SkipPast("-->") ? null : Malformed(line, "This comment is never closed with -->.");
            }

            if (text.AsSpan(_position).StartsWith("<!", StringComparison.Ordinal))
            {
                return SkipPast(">") ? null : Malformed(line, "This declaration is never closed with >.");
            }

            var tag = ReadTag();
            if (tag is null)
            {
                return Malformed(line, "This tag is never closed with >.");
            }

            switch (tag.Name)
            {
                case "A":
                    return ReadAnchor(tag, line);
                case "H3":
                    return ReadFolderName(tag, line);
                case "DL":
                    _folders.Push(_pendingFolder ?? new Folder(null, IsRoot: true, line));
                    _pendingFolder = null;
                    _describe = null;
                    return null;
                case "/DL":
                    if (_folders.Count == 0)
                    {
                        return Malformed(line, "This </DL> closes a list that was never opened.");
                    }

                    _folders.Pop();
                    _describe = null;
                    return null;
                case "DD":
                    var description = ReadText();
                    if (_describe is not null && description.Length > 0)
                    {
                        _describe(description);
                    }

                    _describe = null;
                    return null;
                case "DT" or "HR":
                    _describe = null;
                    return null;
                case "/A" or "/H3":
                    return Malformed(line, $"This <{tag.Name}> closes an element that was never opened.");
                default:
                    // <p>, <META>, <TITLE>, <H1> and the end tags carry nothing we keep.
                    return null;
            }
        }

        private Problem? ReadAnchor(Tag tag, int line)
        {
            var title = ReadText();
            if (ReadTag() is not { Name: "/A" })
            {
                return Malformed(line, "This <A> is not closed with </A> before the next tag.");
            }

            var index = _bookmarks.Count;
            _bookmarks.Add(new ImportedBookmark(
                tag.Attribute("HREF"),
                title,
                Notes: null,
                Tags: tag.Attribute("TAGS") is { Length: > 0 } tags ? tags.Split(',') : [],
                Group: _folders.FirstOrDefault(f => f.Name is not null && !f.IsRoot)?.Name,
                Favorite: string.Equals(tag.Attribute("FAVORITE"), "true", StringComparison.OrdinalIgnoreCase),
                CreatedAt: UnixTime(tag.Attribute("ADD_DATE")),
                UpdatedAt: UnixTime(tag.Attribute("LAST_MODIFIED")),
                Line: line));
            _describe = notes => _bookmarks[index] = _bookmarks[index] with { Notes = notes };
            return null;
        }

        private Problem? ReadFolderName(Tag tag, int line)
        {
            var name = ReadText();
            if (ReadTag() is not { Name: "/H3" })
            {
                return Malformed(line, "This <H3> is not closed with </H3> before the next tag.");
            }

            var isRoot = RootFolderAttributes.Any(a => tag.Attribute(a) is not null);
            _pendingFolder = new Folder(name, isRoot, line);
            if (isRoot)
            {
                _describe = null;
                return null;
            }

            var index = _groups.Count;
            _groups.Add(new ImportedGroup(name, null, line));
            _describe = description => _groups[index] = _groups[index] with { Description = description };
            return null;
        }

        /// <summary>Text up to the next tag, entity-decoded, trimmed (a file's indentation is not content).</summary>
        private string ReadText()
        {
            var start = _position;
            var end = text.IndexOf('<', _position);
            end = end < 0 ? text.Length : end;
            Advance(end - start);
            return WebUtility.HtmlDecode(text[start..end]).Trim();
        }

        /// <summary>Reads <c>&lt;NAME attr="value" ...&gt;</c> (name upper-cased, end tags as "/NAME"); null when it never ends.</summary>
        private Tag? ReadTag()
        {
            SkipWhiteSpace();
            if (_position >= text.Length || text[_position] != '<')
            {
                return null;
            }

            Advance(1);
            var nameStart = _position;
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] == '/'))
            {
                Advance(1);
            }

            var tag = new Tag(text[nameStart.._position].ToUpperInvariant());
            while (true)
            {
                SkipWhiteSpace();
                if (_position >= text.Length)
                {
                    return null;
                }

                if (text[_position] == '>')
                {
                    Advance(1);
                    return tag;
                }

                var attributeStart = _position;
                while (_position < text.Length && !char.IsWhiteSpace(text[_position]) && text[_position] is not ('=' or '>'))
                {
                    Advance(1);
                }

                var name = text[attributeStart.._position].ToUpperInvariant();
                SkipWhiteSpace();
                string value = "";
                if (_position < text.Length && text[_position] == '=')
                {
                    Advance(1);
                    SkipWhiteSpace();
                    if (_position < text.Length && text[_position] is '"' or '\'')
                    {
                        var quote = text[_position];
                        var close = text.IndexOf(quote, _position + 1);
                        if (close < 0)
                        {
                            return null;
                        }

                        value = text[(_position + 1)..close];
                        Advance(close + 1 - _position);
                    }
                    else
                    {
                        var valueStart = _position;
                        while (_position < text.Length && !char.IsWhiteSpace(text[_position]) && text[_position] != '>')
                        {
                            Advance(1);
                        }

                        value = text[valueStart.._position];
                    }
                }

                if (name.Length == 0)
                {
                    // A stray character such as '/' in "<br/>": step over it.
                    Advance(1);
                    continue;
                }

                tag.Attributes[name] = WebUtility.HtmlDecode(value);
            }
        }

        private bool SkipPast(string terminator)
        {
            var end = text.IndexOf(terminator, _position, StringComparison.Ordinal);
            if (end < 0)
            {
                return false;
            }

            Advance(end + terminator.Length - _position);
            return true;
        }

        private void SkipWhiteSpace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                Advance(1);
            }
        }

        private void Advance(int count)
        {
            _line += text.AsSpan(_position, count).Count('\n');
            _position += count;
        }

        private static DateTimeOffset? UnixTime(string? seconds) =>
            long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 253_402_300_799
                ? DateTimeOffset.FromUnixTimeSeconds(value)
                : null;

        private static Problem Malformed(int line, string message) => ImportProblems.Malformed(line, message);

        private sealed record Folder(string? Name, bool IsRoot, int Line);

        private sealed class Tag(string name)
        {
            public string Name => name;

            public Dictionary<string, string> Attributes { get; } = new(StringComparer.Ordinal);

            public string? Attribute(string attributeName) => Attributes.GetValueOrDefault(attributeName);
        }
    }
}

/// <summary>The problems of an import.</summary>
internal static class ImportProblems
{
    /// <summary>400 naming the line of a file that cannot be read; nothing of it is imported.</summary>
    public static Problem Malformed(long line, string message) =>
        Problems.Validation("body", $"Line {line}: {message}") with { Detail = $"The file is malformed at line {line}; nothing was imported." };
}

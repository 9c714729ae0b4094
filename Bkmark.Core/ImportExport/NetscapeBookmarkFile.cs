using System.Net;
using Bkmark.Core.Bookmarks;
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

    /// <summary>
    /// Writes groups as folders (with their descriptions) followed by the ungrouped bookmarks, newest first,
    /// as <paramref name="inGroup"/> and <paramref name="all"/> yield them: one storage page at a time, never
    /// the library at once (DESIGN §7). A bookmark whose group is not among <paramref name="groups"/> is written ungrouped.
    /// </summary>
    internal static async Task WriteAsync(
        Stream stream, IReadOnlyList<GroupEntity> groups, Func<GroupEntity, IAsyncEnumerable<BookmarkEntity>> inGroup,
        IAsyncEnumerable<BookmarkEntity> all, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(inGroup);
        // Asynchronous writes only: a host's response stream may refuse synchronous ones.
        await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
        await writer.WriteAsync(
            (Doctype + "\n"
            + "<!-- This is an automatically generated file.\n     It will be read and overwritten.\n     DO NOT EDIT! -->\n"
            + "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=UTF-8\">\n"
            + "<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n").AsMemory(), cancellationToken);
        foreach (var group in groups)
        {
            var folder = new StringBuilder($"    <DT><H3 ADD_DATE=\"{Seconds(group.CreatedAt)}\" LAST_MODIFIED=\"{Seconds(group.UpdatedAt)}\">{Escape(group.Name)}</H3>\n");
            if (group.Description is not null)
            {
                folder.Append($"    <DD>{Escape(group.Description)}\n");
            }

            await writer.WriteAsync(folder.Append("    <DL><p>\n"), cancellationToken);
            await foreach (var bookmark in inGroup(group).WithCancellation(cancellationToken))
            {
                await writer.WriteAsync(BookmarkLines(bookmark, "        "), cancellationToken);
            }

            await writer.WriteAsync("    </DL><p>\n".AsMemory(), cancellationToken);
        }

        var groupIds = groups.Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
        await foreach (var bookmark in all.WithCancellation(cancellationToken))
        {
            if (bookmark.GroupId is null || !groupIds.Contains(bookmark.GroupId))
            {
                await writer.WriteAsync(BookmarkLines(bookmark, "    "), cancellationToken);
            }
        }

        await writer.WriteAsync("</DL><p>\n".AsMemory(), cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Reads a whole file; a structural fault is a 400 naming its line, and nothing of the file is used.
    /// Linear in the file (DESIGN §7): every character is read once and each bookmark finds its group in
    /// one step, however deeply its folders nest.
    /// </summary>
    public static Result<ImportedLibrary> Parse(string text) => new Parser(text).Run();

    /// <summary>As <see cref="Parse"/>, also counting the parser's steps (characters read plus folders consulted), so tests can show the work is linear.</summary>
    internal static (Result<ImportedLibrary> Library, long Steps) ParseCountingSteps(string text)
    {
        var parser = new Parser(text);
        var library = parser.Run();
        return (library, parser.Steps);
    }

    private static StringBuilder BookmarkLines(BookmarkEntity bookmark, string indent)
    {
        var text = new StringBuilder(indent).Append($"<DT><A HREF=\"{Escape(bookmark.Url)}\" ADD_DATE=\"{Seconds(bookmark.CreatedAt)}\" LAST_MODIFIED=\"{Seconds(bookmark.UpdatedAt)}\"");
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

        return text;
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
        private readonly List<ImportedGroup> groups = [];
        private readonly List<ImportedBookmark> bookmarks = [];
        private readonly Stack<Folder> folders = new();
        private int position;
        private int currentLine = 1;
        private Folder? pendingFolder;

        // Whatever a <DD> describes: the bookmark or folder just before it.
        private Action<string>? describe;

        public long Steps { get; private set; }

        public Result<ImportedLibrary> Run()
        {
            SkipWhiteSpace();
            if (!text.AsSpan(position).StartsWith(Doctype, StringComparison.OrdinalIgnoreCase))
            {
                return Malformed(currentLine, $"Not a Netscape bookmark file: it must start with {Doctype}.");
            }

            while (position < text.Length)
            {
                if (text[position] != '<')
                {
                    ReadText();
                }
                else if (ReadMarkup() is { } fault)
                {
                    return fault;
                }
            }

            return folders.Count > 0
                ? Malformed(folders.Peek().Line, "This <DL> is never closed with </DL>.")
                : new ImportedLibrary(groups, bookmarks);
        }

        private Problem? ReadMarkup()
        {
            var line = currentLine;
            if (text.AsSpan(position).StartsWith("<!--", StringComparison.Ordinal))
            {
                return SkipPast("-->") ? null : Malformed(line, "This comment is never closed with -->.");
            }

            if (text.AsSpan(position).StartsWith("<!", StringComparison.Ordinal))
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
                    folders.Push(Open(pendingFolder, line));
                    pendingFolder = null;
                    describe = null;
                    return null;
                case "/DL":
                    if (folders.Count == 0)
                    {
                        return Malformed(line, "This </DL> closes a list that was never opened.");
                    }

                    folders.Pop();
                    describe = null;
                    return null;
                case "DD":
                    var description = ReadText();
                    if (describe is not null && description.Length > 0)
                    {
                        describe(description);
                    }

                    describe = null;
                    return null;
                case "DT" or "HR":
                    describe = null;
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

            var index = bookmarks.Count;
            bookmarks.Add(new ImportedBookmark(
                tag.Attribute("HREF"),
                title,
                Notes: null,
                Tags: tag.Attribute("TAGS") is { Length: > 0 } tags ? tags.Split(',') : [],
                Group: InnermostGroup(),
                Favorite: string.Equals(tag.Attribute("FAVORITE"), "true", StringComparison.OrdinalIgnoreCase),
                CreatedAt: UnixTime(tag.Attribute("ADD_DATE")),
                UpdatedAt: UnixTime(tag.Attribute("LAST_MODIFIED")),
                Line: line));
            describe = notes => bookmarks[index] = bookmarks[index] with { Notes = notes };
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
            pendingFolder = new Folder(name, isRoot, line, Group: null);
            if (isRoot)
            {
                describe = null;
                return null;
            }

            var index = groups.Count;
            groups.Add(new ImportedGroup(name, null, line));
            describe = description => groups[index] = groups[index] with { Description = description };
            return null;
        }

        /// <summary>Text up to the next tag, entity-decoded, trimmed (a file's indentation is not content).</summary>
        private string ReadText()
        {
            var start = position;
            var end = text.IndexOf('<', position);
            end = end < 0 ? text.Length : end;
            Advance(end - start);
            return WebUtility.HtmlDecode(text[start..end]).Trim();
        }

        /// <summary>Reads <c>&lt;NAME attr="value" ...&gt;</c> (name upper-cased, end tags as "/NAME"); null when it never ends.</summary>
        private Tag? ReadTag()
        {
            SkipWhiteSpace();
            if (position >= text.Length || text[position] != '<')
            {
                return null;
            }

            Advance(1);
            var nameStart = position;
            while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '/'))
            {
                Advance(1);
            }

            var tag = new Tag(text[nameStart..position].ToUpperInvariant());
            while (true)
            {
                SkipWhiteSpace();
                if (position >= text.Length)
                {
                    return null;
                }

                if (text[position] == '>')
                {
                    Advance(1);
                    return tag;
                }

                var attributeStart = position;
                while (position < text.Length && !char.IsWhiteSpace(text[position]) && text[position] is not ('=' or '>'))
                {
                    Advance(1);
                }

                var name = text[attributeStart..position].ToUpperInvariant();
                SkipWhiteSpace();
                string value = "";
                if (position < text.Length && text[position] == '=')
                {
                    Advance(1);
                    SkipWhiteSpace();
                    if (position < text.Length && text[position] is '"' or '\'')
                    {
                        var quote = text[position];
                        var close = text.IndexOf(quote, position + 1);
                        if (close < 0)
                        {
                            return null;
                        }

                        value = text[(position + 1)..close];
                        Advance(close + 1 - position);
                    }
                    else
                    {
                        var valueStart = position;
                        while (position < text.Length && !char.IsWhiteSpace(text[position]) && text[position] != '>')
                        {
                            Advance(1);
                        }

                        value = text[valueStart..position];
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

        /// <summary>
        /// A list opens under its heading (or none: an unnamed list). It remembers the innermost named folder
        /// around it, so a bookmark finds its group in one step: scanning the open folders per bookmark made
        /// deep unnamed nesting quadratic (20,000 nested lists and 20,000 links cost seconds of CPU).
        /// </summary>
        private Folder Open(Folder? heading, int line)
        {
            var enclosing = folders.TryPeek(out var parent) ? parent.Group : null;
            return heading is { Name: not null, IsRoot: false }
                ? heading with { Group = heading.Name }
                : (heading ?? new Folder(null, IsRoot: true, line, null)) with { Group = enclosing };
        }

        private string? InnermostGroup()
        {
            Steps++;
            return folders.TryPeek(out var folder) ? folder.Group : null;
        }

        private bool SkipPast(string terminator)
        {
            var end = text.IndexOf(terminator, position, StringComparison.Ordinal);
            if (end < 0)
            {
                return false;
            }

            Advance(end + terminator.Length - position);
            return true;
        }

        private void SkipWhiteSpace()
        {
            while (position < text.Length && char.IsWhiteSpace(text[position]))
            {
                Advance(1);
            }
        }

        private void Advance(int count)
        {
            Steps += count;
            currentLine += text.AsSpan(position, count).Count('\n');
            position += count;
        }

        private static DateTimeOffset? UnixTime(string? seconds) =>
            long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 253_402_300_799
                ? DateTimeOffset.FromUnixTimeSeconds(value)
                : null;

        private static Problem Malformed(int line, string message) => ImportProblems.Malformed(line, message);

        /// <summary>An open list; <c>Group</c> is the group its bookmarks join: its own name, or for a browser root or an unnamed list, its parent's.</summary>
        private sealed record Folder(string? Name, bool IsRoot, int Line, string? Group);

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

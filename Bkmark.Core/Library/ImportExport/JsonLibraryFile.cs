using System.Buffers;
using Bkmark.Core.Json;
using Bkmark.Core.Library.Bookmarks;
using Bkmark.Core.Library.Groups;

namespace Bkmark.Core.Library.ImportExport;

/// <summary>
/// Bkmark's own export: <c>{format, version, exportedAt, groups: [{name, description, createdAt}],
/// bookmarks: [{url, title, notes, tags, group, favorite, createdAt, updatedAt}]}</c>. Groups are named,
/// not numbered, so a file moves between accounts. Import reads the same shape; only <c>bookmarks[].url</c> is required.
/// </summary>
public static class JsonLibraryFile
{
    public const string ContentType = "application/json";
    public const string FormatName = "bkmark";
    public const int Version = 1;

    // Sent to the client whenever this much is buffered, so the writer holds a few entries, not the file.
    private const int FlushThreshold = 32 * 1024;

    /// <summary>
    /// Writes the file as <paramref name="bookmarks"/> yields them: one storage page at a time, sent on as it
    /// goes, never the library at once (DESIGN §7).
    /// </summary>
    internal static async Task WriteAsync(
        Stream stream, IReadOnlyList<GroupEntity> groups, IAsyncEnumerable<BookmarkEntity> bookmarks, DateTimeOffset exportedAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var names = groups.ToDictionary(g => g.Id, g => g.Name, StringComparer.Ordinal);

        // The serializer flushes its writer synchronously, which a host's response stream may refuse: it writes
        // into this buffer, and the buffer goes to the stream asynchronously whenever it fills.
        var buffer = new ArrayBufferWriter<byte>(FlushThreshold * 2);
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        writer.WriteString("format", FormatName);
        writer.WriteNumber("version", Version);
        writer.WritePropertyName("exportedAt");
        JsonSerializer.Serialize(writer, exportedAt, BkmarkJson.Options);
        writer.WritePropertyName("groups");
        JsonSerializer.Serialize(writer, groups.Select(g => new ExportGroup(g.Name, g.Description, g.CreatedAt)).ToList(), BkmarkJson.Options);
        writer.WriteStartArray("bookmarks");
        await foreach (var b in bookmarks.WithCancellation(cancellationToken))
        {
            var entry = new ExportBookmark(b.Url, b.Title, b.Notes, b.TagList, b.GroupId is null ? null : names.GetValueOrDefault(b.GroupId), b.Favorite, b.CreatedAt, b.UpdatedAt);
            JsonSerializer.Serialize(writer, entry, BkmarkJson.Options);
            if (buffer.WrittenCount >= FlushThreshold)
            {
                await stream.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        await stream.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>Reads a whole file; broken JSON or a wrong type is a 400 naming the line, and nothing of the file is used.</summary>
    public static Result<ImportedLibrary> Parse(ReadOnlySpan<byte> utf8)
    {
        ImportDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ImportDocument>(utf8, BkmarkJson.Options);
        }
        catch (JsonException exception)
        {
            var where = exception.Path is null or "$" ? "" : $" at {exception.Path.TrimStart('$', '.')}";
            return ImportProblems.Malformed((exception.LineNumber ?? 0) + 1, $"Not valid JSON, or a value of the wrong type{where}.");
        }

        if (document?.Bookmarks is null)
        {
            return ImportProblems.Malformed(1, "The file must be a JSON object with a \"bookmarks\" array.");
        }

        var groups = (document.Groups ?? []).Select((g, i) => new ImportedGroup(g?.Name, g?.Description, Path: $"groups[{i}]")).ToList();
        var bookmarks = document.Bookmarks.Select((b, i) => b is null
            ? new ImportedBookmark(null, null, null, [], null, false, null, null, Path: $"bookmarks[{i}]")
            : new ImportedBookmark(b.Url, b.Title, b.Notes, b.Tags ?? [], b.Group, b.Favorite ?? false, b.CreatedAt, b.UpdatedAt, Path: $"bookmarks[{i}]")).ToList();
        return new ImportedLibrary(groups, bookmarks);
    }

    private sealed record ExportGroup(string Name, string? Description, DateTimeOffset CreatedAt);

    private sealed record ExportBookmark(
        string Url, string Title, string Notes, IReadOnlyList<string> Tags, string? Group, bool Favorite, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    private sealed record ImportDocument(IReadOnlyList<ImportGroup?>? Groups, IReadOnlyList<ImportBookmark?>? Bookmarks);

    private sealed record ImportGroup(string? Name, string? Description);

    private sealed record ImportBookmark(
        string? Url, string? Title, string? Notes, IReadOnlyList<string?>? Tags, string? Group, bool? Favorite, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt);
}

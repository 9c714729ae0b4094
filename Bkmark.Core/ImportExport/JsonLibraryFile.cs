using System.Text.Json;
using Bkmark.Core.Bookmarks;
using Bkmark.Core.Errors;
using Bkmark.Core.Groups;
using Bkmark.Core.Json;

namespace Bkmark.Core.ImportExport;

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

    internal static string Write(IReadOnlyList<GroupEntity> groups, IReadOnlyList<BookmarkEntity> bookmarks, DateTimeOffset exportedAt)
    {
        var names = groups.ToDictionary(g => g.Id, g => g.Name, StringComparer.Ordinal);
        var file = new ExportDocument(
            FormatName,
            Version,
            exportedAt,
            [.. groups.Select(g => new ExportGroup(g.Name, g.Description, g.CreatedAt))],
            [.. bookmarks.Select(b => new ExportBookmark(
                b.Url, b.Title, b.Notes, b.TagList, b.GroupId is null ? null : names.GetValueOrDefault(b.GroupId), b.Favorite, b.CreatedAt, b.UpdatedAt))]);
        return JsonSerializer.Serialize(file, BkmarkJson.Options);
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

    private sealed record ExportDocument(
        string Format, int Version, DateTimeOffset ExportedAt, IReadOnlyList<ExportGroup> Groups, IReadOnlyList<ExportBookmark> Bookmarks);

    private sealed record ExportGroup(string Name, string? Description, DateTimeOffset CreatedAt);

    private sealed record ExportBookmark(
        string Url, string Title, string Notes, IReadOnlyList<string> Tags, string? Group, bool Favorite, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    private sealed record ImportDocument(IReadOnlyList<ImportGroup?>? Groups, IReadOnlyList<ImportBookmark?>? Bookmarks);

    private sealed record ImportGroup(string? Name, string? Description);

    private sealed record ImportBookmark(
        string? Url, string? Title, string? Notes, IReadOnlyList<string?>? Tags, string? Group, bool? Favorite, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt);
}

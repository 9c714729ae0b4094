using System.Text.Json.Serialization;

namespace Bkmark.Core.Library.ImportExport;

/// <summary>A bookmark as read from an import file, before validation. <c>Line</c> or <c>Path</c> says where it was.</summary>
public sealed record ImportedBookmark(
    string? Url, string? Title, string? Notes, IReadOnlyList<string?> Tags, string? Group, bool Favorite,
    DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt, int? Line = null, string? Path = null);

/// <summary>A group (folder) as read from an import file.</summary>
public sealed record ImportedGroup(string? Name, string? Description, int? Line = null, string? Path = null);

/// <summary>Everything an import file holds, in file order.</summary>
public sealed record ImportedLibrary(IReadOnlyList<ImportedGroup> Groups, IReadOnlyList<ImportedBookmark> Bookmarks);

/// <summary>One entry that was not imported, and why; <c>line</c> (HTML) or <c>path</c> (JSON) says where it is.</summary>
public sealed record ImportError(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Line,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Path,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url,
    string Message);

/// <summary>What <c>POST /import</c> answers.</summary>
public sealed record ImportReport(int Imported, int Skipped, IReadOnlyList<ImportError> Errors);

/// <summary>An export, ready to send: <see cref="WriteToAsync"/> streams it, reading the library page by page as it writes.</summary>
public sealed record ExportFile(string ContentType, string FileName, Func<Stream, CancellationToken, Task> WriteToAsync);

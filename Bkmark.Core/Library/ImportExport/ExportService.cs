using Bkmark.Core.Library.Bookmarks;
using Bkmark.Core.Library.Groups;

namespace Bkmark.Core.Library.ImportExport;

/// <summary>
/// Exports the library (not the trash) as Bkmark JSON or as a Netscape bookmark file for browsers, streamed:
/// bookmarks are read a storage page at a time as the file is written. The HTML file lists each group's
/// bookmarks under its folder, so it reads the library once per group plus once for the ungrouped ones.
/// </summary>
public sealed class ExportService
{
    private readonly BookmarkStore bookmarks;
    private readonly GroupStore groups;
    private readonly TimeProvider time;

    // Internal because the stores it takes are; registered with AddServiceWithInternalConstructor.
    internal ExportService(
        BookmarkStore bookmarks,
        GroupStore groups,
        TimeProvider time)
    {
        this.bookmarks = bookmarks;
        this.groups = groups;
        this.time = time;
    }

    public async Task<Result<ExportFile>> ExportAsync(string libraryId, string? format, CancellationToken cancellationToken)
    {
        var kind = (format ?? "json").ToLowerInvariant();
        if (kind is not ("json" or "html"))
        {
            return Problems.Validation("format", "The format must be json or html.");
        }

        // Read before the answer starts, so an outage here is still a 503; the bookmarks stream while it is written.
        var allGroups = await groups.ListAsync(libraryId, cancellationToken);
        var now = time.GetUtcNow();
        var name = "bkmark-" + now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return kind == "json"
            ? new ExportFile(JsonLibraryFile.ContentType, name + ".json", (stream, token) =>
                JsonLibraryFile.WriteAsync(stream, allGroups, bookmarks.StreamAsync(libraryId, trashed: false, groupId: null, token), now, token))
            : new ExportFile(NetscapeBookmarkFile.ContentType, name + ".html", (stream, token) =>
                NetscapeBookmarkFile.WriteAsync(
                    stream, allGroups, group => bookmarks.StreamAsync(libraryId, trashed: false, group.Id, token),
                    bookmarks.StreamAsync(libraryId, trashed: false, groupId: null, token), token));
    }
}

using System.Globalization;
using Bkmark.Core.Bookmarks;
using Bkmark.Core.Errors;
using Bkmark.Core.Groups;

namespace Bkmark.Core.ImportExport;

/// <summary>Exports the library (not the trash) as Bkmark JSON or as a Netscape bookmark file for browsers.</summary>
public sealed class ExportService
{
    private readonly BookmarkStore bookmarks;
    private readonly GroupStore groups;
    private readonly TimeProvider time;

    // Internal because the stores it takes are; built by a factory in the feature's Add method.
    internal ExportService(
        BookmarkStore bookmarks,
        GroupStore groups,
        TimeProvider time)
    {
        this.bookmarks = bookmarks;
        this.groups = groups;
        this.time = time;
    }

    public async Task<Result<ExportFile>> ExportAsync(string userId, string? format, CancellationToken cancellationToken)
    {
        var kind = (format ?? "json").ToLowerInvariant();
        if (kind is not ("json" or "html"))
        {
            return Problems.Validation("format", "The format must be json or html.");
        }

        var allGroups = await groups.ListAsync(userId, cancellationToken);
        var allBookmarks = await bookmarks.ListAllAsync(userId, trashed: false, cancellationToken);
        var now = time.GetUtcNow();
        var name = "bkmark-" + now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return kind == "json"
            ? new ExportFile(JsonLibraryFile.Write(allGroups, allBookmarks, now), JsonLibraryFile.ContentType, name + ".json")
            : new ExportFile(NetscapeBookmarkFile.Write(allGroups, allBookmarks), NetscapeBookmarkFile.ContentType, name + ".html");
    }
}

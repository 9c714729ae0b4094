using Bkmark.Core.Library.Bookmarks;
using Bkmark.Core.Library.Groups;

namespace Bkmark.Core.Library.ImportExport;

/// <summary>
/// Imports Bkmark's JSON export or a browser's Netscape bookmark file. The whole file is parsed and every entry
/// validated before anything is written, so a malformed file imports nothing. Idempotent by URL: a URL the user
/// has (in the library or the trash, or earlier in the same file) is skipped. Writes are transactions of at most
/// 100 actions in the library's partition, each bookmark with its URL index. An import that would take the library
/// past its limit is refused whole (409 <c>LIBRARY_FULL</c>) before anything is written: room for every new
/// bookmark is reserved first, and what was not written (taken meanwhile) is given back.
/// </summary>
public sealed partial class ImportService
{
    public const int MaxFileBytes = 5 * 1024 * 1024;

    private readonly BookmarkStore bookmarks;
    private readonly GroupStore groups;
    private readonly GroupService groupService;
    private readonly LibraryCapacity capacity;
    private readonly IdGenerator ids;
    private readonly TimeProvider time;
    private readonly ILogger<ImportService> logger;

    // Internal because the stores it takes are; registered with AddServiceWithInternalConstructor.
    internal ImportService(
        BookmarkStore bookmarks,
        GroupStore groups,
        GroupService groupService,
        LibraryCapacity capacity,
        IdGenerator ids,
        TimeProvider time,
        ILogger<ImportService> logger)
    {
        this.bookmarks = bookmarks;
        this.groups = groups;
        this.groupService = groupService;
        this.capacity = capacity;
        this.ids = ids;
        this.time = time;
        this.logger = logger;
    }

    public async Task<Result<ImportReport>> ImportAsync(string libraryId, ReadOnlyMemory<byte> body, string? contentType, CancellationToken cancellationToken)
    {
        var library = Parse(body, contentType);
        if (!library.Succeeded)
        {
            return library.Problem;
        }

        var errors = new List<ImportError>();
        var groupIds = (await groups.ListAsync(libraryId, cancellationToken))
            .GroupBy(g => g.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (string?)g.First().Id, StringComparer.OrdinalIgnoreCase);
        var newGroups = new List<(string Name, string? Description)>();
        foreach (var group in library.Value.Groups)
        {
            PlanGroup(group.Name, group.Description, group.Line, group.Path, groupIds, newGroups, errors);
        }

        var existingUrls = await bookmarks.ListUrlKeysAsync(libraryId, cancellationToken);
        var planned = new List<(ImportedBookmark Source, BookmarkFields Fields, string? Group)>();
        var skipped = 0;
        foreach (var item in library.Value.Bookmarks)
        {
            var fields = BookmarkRules.Validate(item.Url, item.Title, item.Notes, item.Tags);
            if (!fields.Succeeded)
            {
                errors.Add(new ImportError(item.Line, item.Path, item.Url, string.Join(" ", fields.Problem.Errors!.SelectMany(e => e.Value))));
                continue;
            }

            var group = item.Group is null ? null : PlanGroup(item.Group, null, item.Line, item.Path, groupIds, newGroups, errors);
            if (item.Group is not null && group is null)
            {
                continue;
            }

            if (!existingUrls.Add(UrlIndexEntity.RowKeyOf(fields.Value.Url)))
            {
                skipped++;
                continue;
            }

            planned.Add((item, fields.Value, group));
        }

        if (await capacity.ReserveAsync(libraryId, planned.Count, cancellationToken) is { } full)
        {
            return full;
        }

        // Everything is validated and there is room: from here on only storage can fail, and a retry is idempotent by URL.
        foreach (var (name, description) in newGroups)
        {
            groupIds[name] = (await groupService.AddAsync(libraryId, name, description, cancellationToken)).Id;
        }

        var now = time.GetUtcNow();
        var writes = planned.Select(p => (p.Source, Entity: BookmarkService.NewEntity(
            libraryId, ids.NewId(p.Source.CreatedAt ?? now), p.Fields, p.Group is null ? null : groupIds[p.Group], p.Source.Favorite,
            p.Source.CreatedAt ?? now, p.Source.UpdatedAt ?? p.Source.CreatedAt ?? now)));
        var imported = 0;
        foreach (var batch in writes.Chunk(BookmarkStore.MaxTransactionActions / 3))
        {
            var (written, alreadyThere) = await WriteAsync(batch, errors, cancellationToken);
            imported += written;
            skipped += alreadyThere;
        }

        await capacity.ReleaseAsync(libraryId, planned.Count - imported, cancellationToken);

        LogImported(logger, libraryId, imported, skipped, errors.Count);
        return new ImportReport(imported, skipped, errors);
    }

    private static Result<ImportedLibrary> Parse(ReadOnlyMemory<byte> body, string? contentType)
    {
        if (body.IsEmpty)
        {
            return Problems.Validation("body", "Send a bookmark file: Bkmark's JSON export or a Netscape bookmark file (HTML).");
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(body.Span).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return Problems.Validation("body", "The file must be UTF-8 text.");
        }

        var type = contentType ?? "";
        if (type.Contains("json", StringComparison.OrdinalIgnoreCase) || (!type.Contains("html", StringComparison.OrdinalIgnoreCase) && text.TrimStart().StartsWith('{')))
        {
            return JsonLibraryFile.Parse(Encoding.UTF8.GetBytes(text));
        }

        if (type.Contains("html", StringComparison.OrdinalIgnoreCase) || NetscapeBookmarkFile.LooksLikeOne(text))
        {
            return NetscapeBookmarkFile.Parse(text);
        }

        return new Problem(ErrorCodes.UnsupportedMediaType, "Send Bkmark's JSON export (application/json) or a Netscape bookmark file (text/html).");
    }

    /// <summary>Resolves a group name to an existing group or one to create; null (with an error) when the name is invalid.</summary>
    private static string? PlanGroup(
        string? name, string? description, int? line, string? path,
        Dictionary<string, string?> groupIds, List<(string Name, string? Description)> newGroups, List<ImportError> errors)
    {
        var fields = GroupService.Validate(name, description);
        if (!fields.Succeeded)
        {
            errors.Add(new ImportError(line, path, null, "Group: " + string.Join(" ", fields.Problem.Errors!.SelectMany(e => e.Value))));
            return null;
        }

        if (groupIds.TryAdd(fields.Value.Name, null))
        {
            newGroups.Add(fields.Value);
        }

        return fields.Value.Name; // groupIds ignores case: "Work" finds the existing "work"
    }

    /// <summary>
    /// Writes one transaction. If it fails (a concurrent request took a URL, or deleted a group) the bookmarks are
    /// written one by one, so each gets its own outcome.
    /// </summary>
    private async Task<(int Written, int AlreadyThere)> WriteAsync(
        (ImportedBookmark Source, BookmarkEntity Entity)[] batch, List<ImportError> errors, CancellationToken cancellationToken)
    {
        if (await bookmarks.SubmitAsync([.. BookmarkStore.Chunk(batch.Select(b => BookmarkStore.Insert(b.Entity))).Single()], cancellationToken) == LibraryWriteOutcome.Written)
        {
            return (batch.Length, 0);
        }

        var (written, alreadyThere) = (0, 0);
        foreach (var (source, bookmark) in batch)
        {
            switch (await bookmarks.SubmitAsync([.. BookmarkStore.Insert(bookmark)], cancellationToken))
            {
                case LibraryWriteOutcome.Written:
                    written++;
                    break;
                case LibraryWriteOutcome.UrlTaken:
                    alreadyThere++;
                    break;
                default:
                    errors.Add(new ImportError(source.Line, source.Path, source.Url, "Its group was deleted during the import."));
                    break;
            }
        }

        return (written, alreadyThere);
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Import into library {LibraryId}: {Imported} imported, {Skipped} skipped, {Errors} errors")]
    private static partial void LogImported(ILogger logger, string libraryId, int imported, int skipped, int errors);
}

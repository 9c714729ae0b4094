using Bkmark.Core.Library.Groups;

namespace Bkmark.Core.Library.Bookmarks;

/// <summary>A library's bookmarks (a user's own, a sandbox or an organisation's, named by its library id): create, read, list, edit, trash, restore and delete for good.</summary>
public sealed class BookmarkService
{
    private readonly BookmarkStore store;
    private readonly GroupStore groups;
    private readonly LibraryCapacity capacity;
    private readonly IdGenerator ids;
    private readonly TimeProvider time;

    // Internal because the stores it takes are; registered with AddServiceWithInternalConstructor.
    internal BookmarkService(
        BookmarkStore store,
        GroupStore groups,
        LibraryCapacity capacity,
        IdGenerator ids,
        TimeProvider time)
    {
        this.store = store;
        this.groups = groups;
        this.capacity = capacity;
        this.ids = ids;
        this.time = time;
    }

    public async Task<Result<Bookmark>> CreateAsync(string libraryId, BookmarkInput input, CancellationToken cancellationToken)
    {
        var fields = BookmarkRules.Validate(input.Url, input.Title, input.Notes, input.Tags);
        if (!fields.Succeeded)
        {
            return fields.Problem;
        }

        var groupId = await CheckGroupAsync(libraryId, input.GroupId, cancellationToken);
        if (!groupId.Succeeded)
        {
            return groupId.Problem;
        }

        if (await capacity.ReserveAsync(libraryId, 1, cancellationToken) is { } full)
        {
            return full;
        }

        var now = time.GetUtcNow();
        var entity = NewEntity(libraryId, ids.NewId(), fields.Value, groupId.Value, input.Favorite ?? false, now, now);
        var outcome = await store.SubmitAsync([.. BookmarkStore.Insert(entity)], cancellationToken);
        if (outcome != LibraryWriteOutcome.Written)
        {
            await capacity.ReleaseAsync(libraryId, 1, cancellationToken);
        }

        return outcome switch
        {
            LibraryWriteOutcome.Written => Bookmark.From(entity),
            LibraryWriteOutcome.UrlTaken => await UrlTakenAsync(libraryId, entity.Url, cancellationToken),
            _ => GroupGone(),
        };
    }

    public async Task<Result<Bookmark>> GetAsync(string libraryId, string bookmarkId, CancellationToken cancellationToken) =>
        await store.FindAsync(libraryId, bookmarkId, cancellationToken) is { } entity ? Bookmark.From(entity) : NotFound();

    /// <summary>Bookmarks not in the trash, newest first, optionally with one tag or in one group.</summary>
    public Task<Result<Page<Bookmark>>> ListAsync(string libraryId, BookmarkQuery query, CancellationToken cancellationToken) =>
        PageAsync(libraryId, query, trashed: false, cancellationToken);

    /// <summary>The trash, newest first.</summary>
    public Task<Result<Page<Bookmark>>> ListTrashAsync(string libraryId, string? limit, string? cursor, CancellationToken cancellationToken) =>
        PageAsync(libraryId, new BookmarkQuery(limit, cursor, null, null), trashed: true, cancellationToken);

    public Task<Result<Bookmark>> UpdateAsync(string libraryId, string bookmarkId, BookmarkPatch patch, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<Bookmark>(async () =>
        {
            var entity = await store.FindAsync(libraryId, bookmarkId, cancellationToken);
            if (entity is null)
            {
                return NotFound();
            }

            if (entity.Trashed)
            {
                return Problems.Conflict("The bookmark is in the trash; restore it before editing it.");
            }

            var previousUrl = entity.Url;
            var previousGroup = entity.GroupId;
            var applied = await ApplyAsync(entity, patch, cancellationToken);
            if (!applied.Succeeded)
            {
                return applied.Problem;
            }

            entity.UpdatedAt = time.GetUtcNow();
            return await store.SubmitAsync([.. BookmarkStore.Replace(entity, previousUrl, checkGroup: entity.GroupId != previousGroup)], cancellationToken) switch
            {
                LibraryWriteOutcome.Written => Bookmark.From(entity),
                LibraryWriteOutcome.UrlTaken => await UrlTakenAsync(libraryId, entity.Url, cancellationToken),
                LibraryWriteOutcome.GroupMissing => GroupGone(),
                _ => RaceAttempt.Lost,
            };
        });

    /// <summary>Moves a bookmark to the trash (idempotent). It keeps its URL, so the URL stays taken until it is deleted for good.</summary>
    public Task<Result<Bookmark>> TrashAsync(string libraryId, string bookmarkId, CancellationToken cancellationToken) =>
        SetTrashedAsync(libraryId, bookmarkId, trashed: true, cancellationToken);

    /// <summary>Brings a bookmark back from the trash (idempotent).</summary>
    public Task<Result<Bookmark>> RestoreAsync(string libraryId, string bookmarkId, CancellationToken cancellationToken) =>
        SetTrashedAsync(libraryId, bookmarkId, trashed: false, cancellationToken);

    /// <summary>Deletes a bookmark (trashed or not) and its URL index, for good.</summary>
    public async Task<Result<bool>> DeletePermanentlyAsync(string libraryId, string bookmarkId, CancellationToken cancellationToken)
    {
        var deleted = await OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var entity = await store.FindAsync(libraryId, bookmarkId, cancellationToken);
            if (entity is null)
            {
                return NotFound();
            }

            return await store.SubmitAsync([.. BookmarkStore.Delete(entity)], cancellationToken) == LibraryWriteOutcome.Written ? true : RaceAttempt.Lost;
        });
        if (deleted.Succeeded)
        {
            await capacity.ReleaseAsync(libraryId, 1, cancellationToken);
        }

        return deleted;
    }

    /// <summary>Deletes everything in the trash, in transactions of at most 100 actions.</summary>
    /// <returns>How many bookmarks were deleted.</returns>
    /// <summary>
    /// Erases part of a deleted account's library, at most <paramref name="maxEntities"/> rows a call, so the sweep's
    /// work per run stays bounded however large the library is.
    /// </summary>
    /// <returns>True when nothing is left.</returns>
    internal Task<bool> EraseLibraryAsync(string libraryId, int maxEntities, CancellationToken cancellationToken) =>
        store.EraseSomeAsync(libraryId, maxEntities, cancellationToken);

    public async Task<int> EmptyTrashAsync(string libraryId, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var trashed = await store.ListAllAsync(libraryId, trashed: true, cancellationToken);
        foreach (var batch in BookmarkStore.Chunk(trashed.Select(BookmarkStore.Delete)))
        {
            // A bookmark restored or edited meanwhile fails its batch (ETag): the others are retried by the next empty.
            if (await store.SubmitAsync(batch, cancellationToken) == LibraryWriteOutcome.Written)
            {
                deleted += batch.Count / 2;
            }
        }

        await capacity.ReleaseAsync(libraryId, deleted, cancellationToken);
        return deleted;
    }

    private Task<Result<Bookmark>> SetTrashedAsync(string libraryId, string bookmarkId, bool trashed, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<Bookmark>(async () =>
        {
            var entity = await store.FindAsync(libraryId, bookmarkId, cancellationToken);
            if (entity is null)
            {
                return NotFound();
            }

            if (entity.Trashed == trashed)
            {
                return Bookmark.From(entity);
            }

            entity.Trashed = trashed;
            entity.TrashedAt = trashed ? time.GetUtcNow() : null;
            return await store.SubmitAsync([.. BookmarkStore.Replace(entity, entity.Url, checkGroup: false)], cancellationToken) == LibraryWriteOutcome.Written
                ? Bookmark.From(entity)
                : RaceAttempt.Lost;
        });

    private async Task<Result<Page<Bookmark>>> PageAsync(string libraryId, BookmarkQuery query, bool trashed, CancellationToken cancellationToken)
    {
        var limit = PageCursor.ParseLimit(query.Limit);
        if (!limit.Succeeded)
        {
            return limit.Problem;
        }

        var after = PageCursor.Decode(query.Cursor, BookmarkEntity.IsRowKey);
        if (!after.Succeeded)
        {
            return after.Problem;
        }

        string? tag = null;
        if (query.Tag is not null && (tag = BookmarkRules.NormalizeTag(query.Tag)) is null)
        {
            return Problems.Validation("tag", "Not a valid tag.");
        }

        if (query.GroupId is not null && !IdGenerator.IsValid(query.GroupId))
        {
            return Problems.Validation("groupId", "Not a valid group id.");
        }

        var (items, hasMore) = await store.QueryPageAsync(
            libraryId, after.Value, trashed, query.GroupId?.ToUpperInvariant(), b => tag is null || b.TagList.Contains(tag), limit.Value, cancellationToken);
        return new Page<Bookmark>(
            [.. items.Select(Bookmark.From)],
            hasMore ? PageCursor.Encode(items[^1].RowKey) : null);
    }

    private async Task<Result<bool>> ApplyAsync(BookmarkEntity entity, BookmarkPatch patch, CancellationToken cancellationToken)
    {
        if (patch.Favorite.IsSet && patch.Favorite.Value is null)
        {
            return Problems.Validation("favorite", "favorite must be true or false.");
        }

        var fields = BookmarkRules.Validate(
            patch.Url.IsSet ? patch.Url.Value : entity.Url,
            patch.Title.IsSet ? patch.Title.Value : entity.Title,
            patch.Notes.IsSet ? patch.Notes.Value : entity.Notes,
            patch.Tags.IsSet ? patch.Tags.Value : entity.TagList);
        if (!fields.Succeeded)
        {
            return fields.Problem;
        }

        if (patch.GroupId.IsSet)
        {
            var groupId = await CheckGroupAsync(entity.PartitionKey, patch.GroupId.Value, cancellationToken);
            if (!groupId.Succeeded)
            {
                return groupId.Problem;
            }

            entity.GroupId = groupId.Value;
        }

        (entity.Url, entity.Title, entity.Notes, entity.TagList) = (fields.Value.Url, fields.Value.Title, fields.Value.Notes, fields.Value.Tags);
        entity.Favorite = patch.Favorite.Value ?? entity.Favorite;
        return true;
    }

    /// <summary>Null stays null (ungrouped); an id must name one of the library's groups.</summary>
    private async Task<Result<string?>> CheckGroupAsync(string libraryId, string? groupId, CancellationToken cancellationToken)
    {
        if (groupId is null)
        {
            return (string?)null;
        }

        return await groups.FindAsync(libraryId, groupId, cancellationToken) is { } group ? group.Id : GroupGone();
    }

    internal static BookmarkEntity NewEntity(
        string libraryId, string id, BookmarkFields fields, string? groupId, bool favorite, DateTimeOffset createdAt, DateTimeOffset updatedAt) =>
        new()
        {
            PartitionKey = libraryId,
            RowKey = BookmarkEntity.RowKeyOf(id),
            Id = id,
            Url = fields.Url,
            Title = fields.Title,
            Notes = fields.Notes,
            TagList = fields.Tags,
            GroupId = groupId,
            Favorite = favorite,
            CreatedAt = createdAt,
            UpdatedAt = updatedAt,
        };

    private async Task<Problem> UrlTakenAsync(string libraryId, string url, CancellationToken cancellationToken)
    {
        var existing = await store.FindByUrlAsync(libraryId, url, cancellationToken);
        return Problems.Conflict(existing is null
            ? "This URL is already bookmarked."
            : $"This URL is already bookmarked (bookmark {existing.BookmarkId}, which may be in the trash).");
    }

    private static Problem NotFound() => Problems.NotFound("The bookmark");

    private static Problem GroupGone() => Problems.Validation("groupId", "No such group.");
}

using Azure;
using Bkmark.Core.Library.Groups;

namespace Bkmark.Core.Library.Bookmarks;

/// <summary>How a library transaction ended. Failures are read from which step failed, so no race is a 500.</summary>
internal enum LibraryWriteOutcome
{
    Written,

    /// <summary>Another bookmark of this user already has the URL (the index insert conflicted).</summary>
    UrlTaken,

    /// <summary>The group named by the bookmark no longer exists.</summary>
    GroupMissing,

    /// <summary>A bookmark changed or vanished since it was read (ETag mismatch): re-read and retry.</summary>
    Changed,
}

/// <summary>
/// Bookmarks and their URL index in the <see cref="TableNames.Library"/> table. Every write that touches
/// more than one entity is one entity-group transaction in the user's partition, so the index cannot drift.
/// </summary>
internal sealed class BookmarkStore(BkmarkTables tables, IOptions<LibraryOptions> options)
{
    /// <summary>Table Storage's limit of operations in one transaction.</summary>
    public const int MaxTransactionActions = 100;

    private TableClient Library(string libraryId) => tables[TableNames.Library, libraryId];

    public async Task<BookmarkEntity?> FindAsync(string userId, string bookmarkId, CancellationToken cancellationToken)
    {
        if (!IdGenerator.IsValid(bookmarkId))
        {
            return null;
        }

        return await Library(userId).FindAsync<BookmarkEntity>(userId, BookmarkEntity.RowKeyOf(bookmarkId), cancellationToken);
    }

    public Task<UrlIndexEntity?> FindByUrlAsync(string userId, string url, CancellationToken cancellationToken) =>
        Library(userId).FindAsync<UrlIndexEntity>(userId, UrlIndexEntity.RowKeyOf(url), cancellationToken);

    /// <summary>
    /// Bookmarks newest first, after <paramref name="afterRowKey"/>, in or out of the trash, optionally in one group.
    /// <paramref name="include"/> filters further (tags cannot be filtered by the service). Reads one more than
    /// <paramref name="limit"/> to know whether another page exists.
    /// </summary>
    public async Task<(IReadOnlyList<BookmarkEntity> Items, bool HasMore)> QueryPageAsync(
        string userId, string? afterRowKey, bool trashed, string? groupId, Func<BookmarkEntity, bool> include, int limit, CancellationToken cancellationToken)
    {
        var filter = RangeFilter(userId, afterRowKey) + " and " + TableClient.CreateQueryFilter($"Trashed eq {trashed}");
        if (groupId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"GroupId eq {groupId}");
        }

        var items = new List<BookmarkEntity>(limit + 1);
        await foreach (var bookmark in Library(userId).QueryAsync<BookmarkEntity>(filter, maxPerPage: Math.Min(1000, limit + 1), cancellationToken: cancellationToken))
        {
            if (include(bookmark))
            {
                items.Add(bookmark);
                if (items.Count > limit)
                {
                    return (items.GetRange(0, limit), true);
                }
            }
        }

        return (items, false);
    }

    /// <summary>
    /// Every bookmark of the user, newest first, in the trash, out of it, or (null) both: one partition
    /// query, which is what a personal library costs to scan. Holds them all: for edits that touch many;
    /// reading the whole library goes through <see cref="StreamAsync"/>.
    /// </summary>
    public async Task<IReadOnlyList<BookmarkEntity>> ListAllAsync(string userId, bool? trashed, CancellationToken cancellationToken) =>
        await StreamAsync(userId, trashed, groupId: null, cancellationToken).ToListAsync(cancellationToken);

    /// <summary>
    /// The user's bookmarks, newest first, optionally only in or out of the trash and in one group, read from
    /// storage a page (<see cref="LibraryOptions.PageSize"/>) at a time as the caller consumes them: only the
    /// current page is held, however large the library.
    /// </summary>
    public IAsyncEnumerable<BookmarkEntity> StreamAsync(string userId, bool? trashed, string? groupId, CancellationToken cancellationToken)
    {
        var filter = RangeFilter(userId, null);
        if (trashed is { } value)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Trashed eq {value}");
        }

        if (groupId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"GroupId eq {groupId}");
        }

        return Library(userId).QueryAsync<BookmarkEntity>(filter, maxPerPage: options.Value.PageSize, cancellationToken: cancellationToken);
    }

    /// <summary>The URL index RowKeys of every bookmark of the user (trashed included): what an import must skip.</summary>
    public async Task<HashSet<string>> ListUrlKeysAsync(string userId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {userId} and RowKey ge {UrlIndexEntity.RowKeyPrefix} and RowKey lt {"u."}");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var index in Library(userId).QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(index.RowKey);
        }

        return keys;
    }

    /// <summary>How many bookmarks the user has, the trash included: a partition range query reading only keys.</summary>
    public async Task<int> CountBookmarksAsync(string userId, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in Library(userId).QueryAsync<TableEntity>(RangeFilter(userId, null), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Deletes every entity of the library (bookmarks, URL index, groups, ledger): one partition query for the
    /// keys, then 100 deletes per transaction. What is written while it runs may survive it.
    /// </summary>
    /// <returns>How many entities there were.</returns>
    public async Task<int> DeleteLibraryAsync(string libraryId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {libraryId}");
        var rowKeys = await Library(libraryId).QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken)
            .Select(entity => entity.RowKey)
            .ToListAsync(cancellationToken);
        await PartitionDeletes.DeleteAsync(Library(libraryId), libraryId, rowKeys, cancellationToken);
        return rowKeys.Count;
    }

    /// <summary>
    /// Deletes up to <paramref name="maxEntities"/> rows of the library's partition (bookmarks, URL index, groups,
    /// ledger: everything), reading keys only, 100 per transaction.
    /// </summary>
    /// <returns>True when the partition is empty now.</returns>
    public async Task<bool> EraseSomeAsync(string libraryId, int maxEntities, CancellationToken cancellationToken)
    {
        var rowKeys = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {libraryId}");
        await foreach (var row in Library(libraryId).QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (rowKeys.Count == maxEntities)
            {
                await PartitionDeletes.DeleteAsync(Library(libraryId), libraryId, rowKeys, cancellationToken);
                return false;
            }

            rowKeys.Add(row.RowKey);
        }

        await PartitionDeletes.DeleteAsync(Library(libraryId), libraryId, rowKeys, cancellationToken);
        return true;
    }

    public Task<LibraryLedgerEntity?> FindLedgerAsync(string userId, CancellationToken cancellationToken) =>
        Library(userId).FindAsync<LibraryLedgerEntity>(userId, LibraryLedgerEntity.LedgerRowKey, cancellationToken);

    /// <summary>Creates the ledger (when it has no ETag yet) or replaces it if unchanged since it was read.</summary>
    /// <returns>False when another request wrote it first (a lost race).</returns>
    public Task<bool> TryWriteLedgerAsync(LibraryLedgerEntity ledger, CancellationToken cancellationToken) =>
        Library(ledger.PartitionKey).TryInsertOrReplaceAsync(ledger, cancellationToken);

    /// <summary>Runs one transaction in the user's partition and names how it ended.</summary>
    public async Task<LibraryWriteOutcome> SubmitAsync(IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        if (actions.Count == 0)
        {
            return LibraryWriteOutcome.Written;
        }

        try
        {
            // One partition (the transaction cannot span more), so one account.
            await Library(actions[0].Entity.PartitionKey).SubmitTransactionAsync(actions, cancellationToken);
            return LibraryWriteOutcome.Written;
        }
        catch (TableTransactionFailedException exception) when (exception.Status is 404 or 409 or 412)
        {
            var failed = exception.FailedTransactionActionIndex is { } index && index < actions.Count ? actions[index].Entity.RowKey : "";
            return failed switch
            {
                _ when failed.StartsWith(UrlIndexEntity.RowKeyPrefix, StringComparison.Ordinal) && exception.Status == 409 => LibraryWriteOutcome.UrlTaken,
                _ when failed.StartsWith(GroupEntity.RowKeyPrefix, StringComparison.Ordinal) => LibraryWriteOutcome.GroupMissing,
                _ => LibraryWriteOutcome.Changed,
            };
        }
    }

    /// <summary>Adds a bookmark with its URL index (and, when grouped, a check that the group still exists).</summary>
    public static IEnumerable<TableTransactionAction> Insert(BookmarkEntity bookmark)
    {
        yield return new TableTransactionAction(TableTransactionActionType.Add, bookmark);
        yield return new TableTransactionAction(TableTransactionActionType.Add, IndexOf(bookmark));
        if (bookmark.GroupId is not null)
        {
            yield return GroupStore.ExistenceCheck(bookmark.PartitionKey, bookmark.GroupId);
        }
    }

    /// <summary>Replaces a bookmark read earlier (If-Match its ETag), moving its URL index when the URL changed.</summary>
    public static IEnumerable<TableTransactionAction> Replace(BookmarkEntity bookmark, string previousUrl, bool checkGroup)
    {
        yield return new TableTransactionAction(TableTransactionActionType.UpdateReplace, bookmark, bookmark.ETag);
        var previousIndex = UrlIndexEntity.RowKeyOf(previousUrl);
        if (previousIndex != UrlIndexEntity.RowKeyOf(bookmark.Url))
        {
            yield return new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(bookmark.PartitionKey, previousIndex), ETag.All);
            yield return new TableTransactionAction(TableTransactionActionType.Add, IndexOf(bookmark));
        }

        if (checkGroup && bookmark.GroupId is not null)
        {
            yield return GroupStore.ExistenceCheck(bookmark.PartitionKey, bookmark.GroupId);
        }
    }

    /// <summary>Deletes a bookmark read earlier (If-Match its ETag) with its URL index.</summary>
    public static IEnumerable<TableTransactionAction> Delete(BookmarkEntity bookmark)
    {
        yield return new TableTransactionAction(TableTransactionActionType.Delete, bookmark, bookmark.ETag);
        yield return new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(bookmark.PartitionKey, UrlIndexEntity.RowKeyOf(bookmark.Url)), ETag.All);
    }

    /// <summary>
    /// Packs per-bookmark steps into transactions of at most 100 actions, never splitting one bookmark's
    /// steps. A transaction may name an entity once, so a group check shared by several bookmarks is kept once.
    /// </summary>
    public static IEnumerable<IReadOnlyList<TableTransactionAction>> Chunk(IEnumerable<IEnumerable<TableTransactionAction>> steps)
    {
        var batch = new List<TableTransactionAction>();
        var rowKeys = new HashSet<string>(StringComparer.Ordinal); // of the group checks in the batch
        foreach (var step in steps)
        {
            var actions = step.ToList();
            if (batch.Count + actions.Count > MaxTransactionActions)
            {
                yield return batch;
                batch = [];
                rowKeys.Clear();
            }

            foreach (var action in actions)
            {
                var isSharedGroupCheck = action.ActionType == TableTransactionActionType.UpdateMerge && !rowKeys.Add(action.Entity.RowKey);
                if (!isSharedGroupCheck)
                {
                    batch.Add(action);
                }
            }
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private static UrlIndexEntity IndexOf(BookmarkEntity bookmark) =>
        new() { PartitionKey = bookmark.PartitionKey, RowKey = UrlIndexEntity.RowKeyOf(bookmark.Url), BookmarkId = bookmark.Id };

    private static string RangeFilter(string userId, string? afterRowKey) => afterRowKey is null
        ? TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey ge {BookmarkEntity.RowKeyPrefix} and RowKey lt {BookmarkEntity.RowKeyEnd}")
        : TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey gt {afterRowKey} and RowKey lt {BookmarkEntity.RowKeyEnd}");
}

namespace Bkmark.Core.Library.Bookmarks;

/// <summary>
/// Applies one edit to every bookmark that matches (renaming a tag, ungrouping a deleted group's bookmarks),
/// trashed ones included, in ETag-conditional transactions of at most 100. A batch that loses a race is
/// re-read and re-applied on the next pass; the edit is idempotent, so passes converge.
/// </summary>
internal sealed class LibraryEditor(BookmarkStore store, TimeProvider time)
{
    /// <returns>How many bookmarks were edited, or 409 when concurrent edits kept winning.</returns>
    public async Task<Result<int>> EditAllAsync(
        string libraryId, Func<BookmarkEntity, bool> matches, Action<BookmarkEntity> edit, CancellationToken cancellationToken)
    {
        var edited = 0;
        return await OptimisticConcurrency.RunAsync<int>(async () =>
        {
            var targets = (await store.ListAllAsync(libraryId, trashed: null, cancellationToken)).Where(matches).ToList();
            if (targets.Count == 0)
            {
                return edited;
            }

            var now = time.GetUtcNow();
            foreach (var bookmark in targets)
            {
                edit(bookmark);
                bookmark.UpdatedAt = now;
            }

            foreach (var batch in BookmarkStore.Chunk(targets.Select(b => BookmarkStore.Replace(b, b.Url, checkGroup: false))))
            {
                if (await store.SubmitAsync(batch, cancellationToken) == LibraryWriteOutcome.Written)
                {
                    edited += batch.Count;
                }
            }

            // Batches that lost a race are read and edited again on the next pass.
            return RaceAttempt.Lost;
        });
    }
}

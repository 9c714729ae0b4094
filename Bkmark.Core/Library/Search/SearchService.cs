using Bkmark.Core.Library.Bookmarks;

namespace Bkmark.Core.Library.Search;

/// <summary>
/// Full-text search over a library's bookmarks (not the trash). It walks the library's partition a storage page at
/// a time and ranks as it goes: right for personal libraries, and nothing to keep in step. Memory stays
/// bounded: one page of bookmarks, plus a score and id for each match ranked up to the requested position;
/// the page's bookmarks are then read by id. A cursor holds an offset into the ranking, so a page after an
/// edit may shift by the edited bookmark.
/// </summary>
public sealed class SearchService
{
    private const string OffsetPrefix = "o:";

    private readonly BookmarkStore bookmarks;

    // Internal because the stores it takes are; registered with AddServiceWithInternalConstructor.
    internal SearchService(
        BookmarkStore bookmarks)
    {
        this.bookmarks = bookmarks;
    }

    public async Task<Result<Page<Bookmark>>> SearchAsync(string libraryId, string? query, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        var terms = SearchRanking.Terms(query ?? "");
        if (terms.Count == 0 || query!.Length > SearchRanking.MaxQueryLength || terms.Count > SearchRanking.MaxTerms)
        {
            return Problems.Validation("q", $"Search for 1 to {SearchRanking.MaxTerms} words, at most {SearchRanking.MaxQueryLength} characters.");
        }

        var pageSize = PageCursor.ParseLimit(limit);
        if (!pageSize.Succeeded)
        {
            return pageSize.Problem;
        }

        var position = PageCursor.Decode(cursor, IsOffset);
        if (!position.Succeeded)
        {
            return position.Problem;
        }

        var offset = position.Value is null ? 0 : int.Parse(position.Value.AsSpan(OffsetPrefix.Length), CultureInfo.InvariantCulture);
        var wanted = (int)Math.Min((long)offset + pageSize.Value, int.MaxValue);

        // The best `wanted` matches so far, worst at the head, so a better match replaces it in O(log n).
        var best = new PriorityQueue<Match, Match>(Match.WorstFirst);
        var matches = 0;
        await foreach (var bookmark in bookmarks.StreamAsync(libraryId, trashed: false, groupId: null, cancellationToken))
        {
            var score = SearchRanking.Score(bookmark, terms);
            if (score == 0)
            {
                continue;
            }

            matches++;
            var match = new Match(score, bookmark.RowKey, bookmark.Id);
            if (best.Count < wanted)
            {
                best.Enqueue(match, match);
            }
            else if (Match.WorstFirst.Compare(match, best.Peek()) > 0)
            {
                best.EnqueueDequeue(match, match);
            }
        }

        var ranked = best.UnorderedItems.Select(item => item.Element).OrderDescending(Match.WorstFirst).Skip(offset).ToList();
        var found = await Task.WhenAll(ranked.Select(match => bookmarks.FindAsync(libraryId, match.Id, cancellationToken)));

        // A bookmark deleted or trashed since the scan drops out of this page; the cursor still counts its place.
        var page = found.Where(b => b is { Trashed: false }).Select(b => Bookmark.From(b!)).ToList();
        var next = offset + ranked.Count;
        return new Page<Bookmark>(page, next < matches ? PageCursor.Encode(OffsetPrefix + next.ToString(CultureInfo.InvariantCulture)) : null);
    }

    private static bool IsOffset(string position) =>
        position.StartsWith(OffsetPrefix, StringComparison.Ordinal)
        && int.TryParse(position.AsSpan(OffsetPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>A ranked match: higher score first; equal scores newest first (bookmark RowKeys ascend from the newest).</summary>
    private sealed record Match(int Score, string RowKey, string Id)
    {
        /// <summary>Orders worse matches first.</summary>
        public static readonly IComparer<Match> WorstFirst = Comparer<Match>.Create((a, b) =>
            a.Score != b.Score ? a.Score.CompareTo(b.Score) : string.CompareOrdinal(b.RowKey, a.RowKey));
    }
}

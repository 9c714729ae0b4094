using System.Globalization;
using Bkmark.Core.Bookmarks;
using Bkmark.Core.Errors;

namespace Bkmark.Core.Search;

/// <summary>
/// Full-text search over a user's bookmarks (not the trash). It scans the user's partition and ranks in
/// memory: right for personal libraries of thousands of bookmarks, and nothing to keep in step. A cursor
/// holds an offset into the ranking, so a page after an edit may shift by the edited bookmark.
/// </summary>
public sealed class SearchService
{
    private const string OffsetPrefix = "o:";

    private readonly BookmarkStore bookmarks;

    // Internal because the stores it takes are; built by a factory in the feature's Add method.
    internal SearchService(
        BookmarkStore bookmarks)
    {
        this.bookmarks = bookmarks;
    }

    public async Task<Result<Page<Bookmark>>> SearchAsync(string userId, string? query, string? limit, string? cursor, CancellationToken cancellationToken)
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
        var all = await bookmarks.ListAllAsync(userId, trashed: false, cancellationToken);

        // ListAllAsync reads newest first and OrderByDescending is stable: equal scores stay newest first.
        var ranked = all
            .Select(b => (Bookmark: b, Score: SearchRanking.Score(b, terms)))
            .Where(r => r.Score > 0)
            .OrderByDescending(r => r.Score)
            .ToList();
        var page = ranked.Skip(offset).Take(pageSize.Value).Select(r => Bookmark.From(r.Bookmark)).ToList();
        var next = offset + page.Count;
        return new Page<Bookmark>(page, next < ranked.Count ? PageCursor.Encode(OffsetPrefix + next.ToString(CultureInfo.InvariantCulture)) : null);
    }

    private static bool IsOffset(string position) =>
        position.StartsWith(OffsetPrefix, StringComparison.Ordinal)
        && int.TryParse(position.AsSpan(OffsetPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _);
}

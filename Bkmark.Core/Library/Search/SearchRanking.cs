using Bkmark.Core.Library.Bookmarks;

namespace Bkmark.Core.Library.Search;

/// <summary>
/// How well a bookmark matches a query. Every term must occur (case-insensitive substring) in the title,
/// a tag, the URL or the notes. Each term scores by the best field it occurs in, weighted so that any title
/// match outranks any number of tag matches, a tag match outranks URL matches, a URL match outranks notes.
/// </summary>
public static class SearchRanking
{
    public const int MaxTerms = 10;
    public const int MaxQueryLength = 200;

    // Base 11 > MaxTerms: ten matches in one field never add up to one match in the field above.
    private const int Title = 11 * 11 * 11;
    private const int Tag = 11 * 11;
    private const int Url = 11;
    private const int Notes = 1;

    /// <summary>The query's terms: split on white space, lower-cased, de-duplicated.</summary>
    public static IReadOnlyList<string> Terms(string query) =>
        [.. query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(t => t.ToLowerInvariant()).Distinct()];

    /// <returns>0 when some term occurs nowhere; otherwise the higher, the better.</returns>
    internal static int Score(BookmarkEntity bookmark, IReadOnlyList<string> terms)
    {
        var score = 0;
        foreach (var term in terms)
        {
            var best = Contains(bookmark.Title, term) ? Title
                : bookmark.TagList.Any(tag => tag.Contains(term, StringComparison.Ordinal)) ? Tag
                : Contains(bookmark.Url, term) ? Url
                : Contains(bookmark.Notes, term) ? Notes
                : 0;
            if (best == 0)
            {
                return 0;
            }

            score += best;
        }

        return score;
    }

    private static bool Contains(string field, string term) => field.Contains(term, StringComparison.OrdinalIgnoreCase);
}

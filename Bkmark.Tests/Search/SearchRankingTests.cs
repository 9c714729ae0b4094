using Bkmark.Core.Library.Bookmarks;
using Bkmark.Core.Library.Search;

namespace Bkmark.Tests.Search;

public sealed class SearchRankingTests
{
    private static BookmarkEntity Bookmark(string title = "", string url = "https://x.example/", string notes = "", params string[] tags) =>
        new() { Title = title, Url = url, Notes = notes, TagList = tags };

    [Fact]
    public void Score_RanksTitleThenTagThenUrlThenNotes()
    {
        var terms = SearchRanking.Terms("Rust");

        var title = SearchRanking.Score(Bookmark(title: "The rust book"), terms);
        var tag = SearchRanking.Score(Bookmark(tags: ["rustlang"]), terms);
        var url = SearchRanking.Score(Bookmark(url: "https://rust-lang.org/"), terms);
        var notes = SearchRanking.Score(Bookmark(notes: "about RUST"), terms);

        Assert.True(title > tag && tag > url && url > notes && notes > 0, $"{title} {tag} {url} {notes}");
    }

    [Fact]
    public void Score_IsZero_WhenAnyTermIsMissing()
    {
        Assert.Equal(0, SearchRanking.Score(Bookmark(title: "rust book"), SearchRanking.Terms("rust python")));
    }

    [Fact]
    public void Score_PutsOneTitleMatchAboveTenTagMatches()
    {
        var terms = SearchRanking.Terms("a b c d e f g h i j");
        var allInTags = Bookmark(tags: ["abcdefghij"]);
        var oneInTitleRestInNotes = Bookmark(title: "a", notes: "bcdefghij");

        Assert.True(SearchRanking.Score(oneInTitleRestInNotes, terms) > SearchRanking.Score(allInTags, terms));
    }
}

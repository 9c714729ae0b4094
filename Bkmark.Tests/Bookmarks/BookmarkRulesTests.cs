using Bkmark.Core.Credentials;
using Bkmark.Core.Library.Bookmarks;
using Microsoft.Extensions.Time.Testing;

namespace Bkmark.Tests.Bookmarks;

public sealed class BookmarkRulesTests
{
    [Theory]
    [InlineData("https://example.com", true)]
    [InlineData("http://example.com/path?q=1#f", true)]
    [InlineData("ftp://example.com/", false)]
    [InlineData("mailto:a@example.com", false)]
    [InlineData("example.com", false)]
    [InlineData("", false)]
    public void TryValidateUrl_AcceptsOnlyAbsoluteHttpUrls(string url, bool valid)
    {
        Assert.Equal(valid, BookmarkRules.TryValidateUrl(url, out _, out _));
    }

    [Fact]
    public void TryNormalizeTags_TrimsLowerCasesAndDeduplicates()
    {
        var ok = BookmarkRules.TryNormalizeTags([" Dev", "dev ", "TOOLS", ""], out var tags, out _);

        Assert.False(ok); // the empty tag is refused, not silently dropped
        Assert.True(BookmarkRules.TryNormalizeTags([" Dev", "dev ", "TOOLS"], out tags, out _));
        Assert.Equal(["dev", "tools"], tags);
    }

    [Theory]
    [InlineData("a,b")]
    [InlineData("tab\there")]
    [InlineData("123456789012345678901234567890123456789012345678901")]
    public void NormalizeTag_ReturnsNull_WhenTagCannotBeStored(string tag)
    {
        Assert.Null(BookmarkRules.NormalizeTag(tag));
    }

    [Fact]
    public void TryNormalizeTags_Fails_WhenMoreThan50Tags()
    {
        Assert.False(BookmarkRules.TryNormalizeTags(Enumerable.Range(0, 51).Select(i => $"t{i}"), out _, out var error));
        Assert.Contains("50", error);
    }

    [Fact]
    public void RowKeyOf_SortsNewerIdsFirst_AndRoundTripsThroughIsRowKey()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var ids = new IdGenerator(time);
        var older = ids.NewId();
        time.Advance(TimeSpan.FromMilliseconds(1));
        var newer = ids.NewId();

        Assert.True(string.CompareOrdinal(BookmarkEntity.RowKeyOf(newer), BookmarkEntity.RowKeyOf(older)) < 0);
        Assert.True(BookmarkEntity.IsRowKey(BookmarkEntity.RowKeyOf(older)));
        Assert.False(BookmarkEntity.IsRowKey("b-" + new string('I', 26)));
    }

    [Fact]
    public void CanonicalUrl_TreatsHostCaseAndEmptyPathAsOneUrl()
    {
        Assert.Equal(UrlIndexEntity.RowKeyOf("https://example.com"), UrlIndexEntity.RowKeyOf("HTTPS://EXAMPLE.COM/"));
        Assert.NotEqual(UrlIndexEntity.RowKeyOf("https://example.com/a"), UrlIndexEntity.RowKeyOf("https://example.com/A"));
    }

    // What each resource needs, as the functions ask for it: write implies read; opt-in scopes are never implied.
    [Theory]
    [InlineData(Scopes.BookmarksWrite, Scopes.BookmarksRead, true)]
    [InlineData(Scopes.TagsWrite, Scopes.TagsRead, true)]
    [InlineData(Scopes.GroupsWrite, Scopes.GroupsRead, true)]
    [InlineData(Scopes.BookmarksRead, Scopes.BookmarksWrite, false)]
    [InlineData(Scopes.BookmarksWrite, Scopes.Destructive, false)]
    [InlineData(Scopes.BookmarksWrite, Scopes.SearchRead, false)]
    [InlineData(Scopes.BookmarksRead, Scopes.Export, false)]
    [InlineData(Scopes.BookmarksWrite, Scopes.Import, false)]
    [InlineData(Scopes.TagsWrite, Scopes.BookmarksWrite, false)]
    public void HasScope_FollowsImplications_ForApiKeyCallers(string granted, string required, bool allowed)
    {
        var caller = new Caller("user", CredentialType.ApiKey, [granted], null, KeyId: "key");

        Assert.Equal(allowed, caller.HasScope(required));
    }
}

using Bkmark.Tests.Bookmarks;

namespace Bkmark.Tests.Search;

public sealed class SearchApiTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task Search_RanksTitleTagUrlNotes_CaseInsensitively_AndPages()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        await host.CreateBookmarkAsync(token, new { url = "https://notes.example/", title = "N", notes = "all about KOTLIN" });
        await host.CreateBookmarkAsync(token, new { url = "https://kotlinlang.org/", title = "U" });
        await host.CreateBookmarkAsync(token, new { url = "https://tag.example/", title = "T", tags = new[] { "kotlin" } });
        await host.CreateBookmarkAsync(token, new { url = "https://title.example/", title = "Kotlin in Action" });
        await host.CreateBookmarkAsync(token, new { url = "https://unrelated.example/", title = "Rust" });
        var trashed = (await host.CreateBookmarkAsync(token, new { url = "https://trash.example/", title = "kotlin trash" })).GetProperty("id").GetString();
        await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{trashed}", bearer: token);

        var results = await host.ReadAllPagesAsync(token, "api/v1/search?q=kotlin&limit=1");

        Assert.Equal(["Kotlin in Action", "T", "U", "N"], results.Select(r => r.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Search_NeverReturnsAnotherUsersBookmarks()
    {
        var (_, owner, _) = await host.Client.SignUpAsync();
        var (_, stranger, _) = await host.Client.SignUpAsync();
        await host.CreateBookmarkAsync(owner, new { url = "https://secret.example/", title = "secret plans" });

        var page = await host.GetJsonAsync(stranger, "api/v1/search?q=secret");

        Assert.Empty(page.GetProperty("data").EnumerateArray());
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("q=%20", "q")]
    [InlineData("q=a&limit=0", "limit")]
    [InlineData("q=a&cursor=Yi1YWFg", "cursor")]
    public async Task Search_ReturnsValidationFailedNamingParameter_WhenQueryInvalid(string query, string field)
    {
        var (_, token, _) = await host.Client.SignUpAsync();

        var response = await host.SendAsync(HttpMethod.Get, "api/v1/search?" + query, bearer: token);

        await response.AssertValidationFailedAsync(field);
    }
}

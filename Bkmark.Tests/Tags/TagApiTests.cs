using Bkmark.Tests.Bookmarks;

namespace Bkmark.Tests.Tags;

public sealed class TagApiTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private async Task<Dictionary<string, int>> TagsAsync(string token) =>
        (await host.GetJsonAsync(token, "api/v1/tags")).GetProperty("data").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("count").GetInt32());

    [Fact]
    public async Task ListTags_CountsBookmarksOutsideTheTrash()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        await host.CreateBookmarkAsync(token, new { url = "https://a.example/", tags = new[] { "dev", "rust" } });
        await host.CreateBookmarkAsync(token, new { url = "https://b.example/", tags = new[] { "dev" } });
        var trashed = (await host.CreateBookmarkAsync(token, new { url = "https://c.example/", tags = new[] { "dev", "old" } })).GetProperty("id").GetString();
        await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{trashed}", bearer: token);

        Assert.Equal(new Dictionary<string, int> { ["dev"] = 2, ["rust"] = 1 }, await TagsAsync(token));
    }

    [Fact]
    public async Task RenameTag_MergesIntoExistingTag()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        await host.CreateBookmarkAsync(token, new { url = "https://a.example/", tags = new[] { "js", "javascript" } });
        await host.CreateBookmarkAsync(token, new { url = "https://b.example/", tags = new[] { "js" } });
        await host.CreateBookmarkAsync(token, new { url = "https://c.example/", tags = new[] { "javascript" } });

        var response = await host.SendAsync(HttpMethod.Patch, "api/v1/tags/js", new { name = "JavaScript" }, token);

        var renamed = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("javascript", 3), (renamed.GetProperty("name").GetString(), renamed.GetProperty("count").GetInt32()));
        Assert.Equal(new Dictionary<string, int> { ["javascript"] = 3 }, await TagsAsync(token));
        var first = (await host.ReadAllPagesAsync(token, "api/v1/bookmarks?tag=javascript")).Last();
        Assert.Equal(["javascript"], first.GetProperty("tags").Strings());
    }

    [Fact]
    public async Task RenameTag_RenamesAcrossMoreThanOneTransaction()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        for (var i = 0; i < 120; i++)
        {
            await host.CreateBookmarkAsync(token, new { url = $"https://a.example/{i}", tags = new[] { "old" } });
        }

        await host.SendAsync(HttpMethod.Patch, "api/v1/tags/old", new { name = "new" }, token);

        Assert.Equal(new Dictionary<string, int> { ["new"] = 120 }, await TagsAsync(token));
    }

    [Fact]
    public async Task DeleteTag_RemovesItFromEveryBookmark_AndKeepsTheBookmarks()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        await host.CreateBookmarkAsync(token, new { url = "https://a.example/", tags = new[] { "gone", "kept" } });
        await host.CreateBookmarkAsync(token, new { url = "https://b.example/", tags = new[] { "gone" } });

        var response = await host.SendAsync(HttpMethod.Delete, "api/v1/tags/GONE", bearer: token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(new Dictionary<string, int> { ["kept"] = 1 }, await TagsAsync(token));
        Assert.Equal(2, (await host.ReadAllPagesAsync(token, "api/v1/bookmarks")).Count);
    }

    [Fact]
    public async Task TagEndpoints_ReturnNotFound_ForAnotherUsersTag()
    {
        var (_, owner, _) = await host.Client.SignUpAsync();
        var (_, stranger, _) = await host.Client.SignUpAsync();
        await host.CreateBookmarkAsync(owner, new { url = "https://a.example/", tags = new[] { "secret" } });

        var rename = await host.SendAsync(HttpMethod.Patch, "api/v1/tags/secret", new { name = "mine" }, stranger);
        var delete = await host.SendAsync(HttpMethod.Delete, "api/v1/tags/secret", bearer: stranger);

        await rename.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await delete.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Empty(await TagsAsync(stranger));
        Assert.Equal(new Dictionary<string, int> { ["secret"] = 1 }, await TagsAsync(owner));
    }

    [Fact]
    public async Task RenameTag_ReturnsValidationFailed_WhenNewNameInvalid()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        await host.CreateBookmarkAsync(token, new { url = "https://a.example/", tags = new[] { "a" } });

        var response = await host.SendAsync(HttpMethod.Patch, "api/v1/tags/a", new { name = "x,y" }, token);

        await response.AssertValidationFailedAsync("name");
    }
}

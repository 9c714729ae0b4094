namespace Bkmark.Tests.Bookmarks;

/// <summary>The bookmarks API over HTTP against Azurite, with signed-in sessions (which carry every scope).</summary>
public sealed class BookmarkApiTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task CreateBookmark_ReturnsNormalisedBookmark_WhenValid()
    {
        var (_, token, _) = await host.Client.SignUpAsync();

        var bookmark = await host.CreateBookmarkAsync(token, new { url = " https://example.com/a ", title = "Example", notes = "n", tags = new[] { " Dev ", "dev", "Tools" }, favorite = true });

        Assert.Equal(26, bookmark.GetProperty("id").GetString()!.Length);
        Assert.Equal("https://example.com/a", bookmark.GetProperty("url").GetString());
        Assert.Equal(["dev", "tools"], bookmark.GetProperty("tags").Strings());
        Assert.True(bookmark.GetProperty("favorite").GetBoolean());
        Assert.Equal(JsonValueKind.Null, bookmark.GetProperty("groupId").ValueKind);
        Assert.False(bookmark.TryGetProperty("trashedAt", out _));
        var read = await host.GetJsonAsync(token, $"api/v1/bookmarks/{bookmark.GetProperty("id").GetString()}");
        Assert.Equal("Example", read.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("url", "ftp://example.com/")]
    [InlineData("url", "/relative")]
    [InlineData("url", "javascript:alert(1)")]
    [InlineData("title", null)]
    [InlineData("notes", null)]
    [InlineData("tags", null)]
    [InlineData("groupId", null)]
    public async Task CreateBookmark_ReturnsValidationFailedNamingField_WhenFieldInvalid(string field, string? url)
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        object body = field switch
        {
            "url" => new { url },
            "title" => new { url = "https://example.com/", title = new string('t', 501) },
            "notes" => new { url = "https://example.com/", notes = new string('n', 10_001) },
            "tags" => new { url = "https://example.com/", tags = new[] { new string('x', 51) } },
            _ => new { url = "https://example.com/", groupId = "01JD0000000000000000000000" },
        };

        var response = await host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", body, token);

        await response.AssertValidationFailedAsync(field);
    }

    [Fact]
    public async Task CreateBookmark_ReturnsValidationFailed_WhenUrlLongerThan2048()
    {
        var (_, token, _) = await host.Client.SignUpAsync();

        var response = await host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://example.com/" + new string('a', 2029) }, token);

        await response.AssertValidationFailedAsync("url");
    }

    [Fact]
    public async Task CreateBookmark_ReturnsConflict_WhenUrlAlreadyBookmarked()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        await host.CreateBookmarkAsync(token, new { url = "https://example.com/" });

        var response = await host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "HTTPS://EXAMPLE.com" }, token);

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task CreateBookmark_CreatesOneBookmark_WhenTenRequestsRaceForOneUrl()
    {
        var (_, token, _) = await host.Client.SignUpAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://race.example/" }, token)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Single(await host.ReadAllPagesAsync(token, "api/v1/bookmarks"));
    }

    [Fact]
    public async Task ListBookmarks_PagesThrough250NewestFirst_WithoutDuplicatesOrGaps()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var created = new List<string>();
        for (var i = 0; i < 250; i++)
        {
            host.Time.Advance(TimeSpan.FromMilliseconds(1));
            created.Add((await host.CreateBookmarkAsync(token, new { url = $"https://example.com/{i}" })).GetProperty("id").GetString()!);
        }

        var pageSizes = new List<int>();
        var listed = new List<string>();
        string? cursor = null;
        do
        {
            var page = await host.GetJsonAsync(token, "api/v1/bookmarks?limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            var ids = page.GetProperty("data").EnumerateArray().Select(b => b.GetProperty("id").GetString()!).ToList();
            pageSizes.Add(ids.Count);
            listed.AddRange(ids);
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal([100, 100, 50], pageSizes);
        Assert.Equal(Enumerable.Reverse(created), listed);
    }

    [Fact]
    public async Task ListBookmarks_FiltersByTagAndGroup()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var group = await host.CreateGroupAsync(token, "Work");
        await host.CreateBookmarkAsync(token, new { url = "https://a.example/", tags = new[] { "dev" }, groupId = group });
        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.CreateBookmarkAsync(token, new { url = "https://b.example/", tags = new[] { "dev" } });
        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.CreateBookmarkAsync(token, new { url = "https://c.example/", groupId = group });

        var byTag = await host.ReadAllPagesAsync(token, "api/v1/bookmarks?tag=DEV&limit=1");
        var byGroup = await host.ReadAllPagesAsync(token, $"api/v1/bookmarks?groupId={group}");

        Assert.Equal(["https://b.example/", "https://a.example/"], byTag.Select(b => b.GetProperty("url").GetString()));
        Assert.Equal(["https://c.example/", "https://a.example/"], byGroup.Select(b => b.GetProperty("url").GetString()));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=bzo1", "cursor")]
    public async Task ListBookmarks_ReturnsValidationFailedNamingParameter_WhenQueryInvalid(string query, string field)
    {
        var (_, token, _) = await host.Client.SignUpAsync();

        var response = await host.SendAsync(HttpMethod.Get, "api/v1/bookmarks?" + query, bearer: token);

        await response.AssertValidationFailedAsync(field);
    }

    [Fact]
    public async Task UpdateBookmark_ChangesOnlyGivenFields_AndMovesUrl()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var group = await host.CreateGroupAsync(token, "G");
        var id = (await host.CreateBookmarkAsync(token, new { url = "https://old.example/", title = "T", notes = "keep", tags = new[] { "a" }, groupId = group })).GetProperty("id").GetString();
        host.Time.Advance(TimeSpan.FromMinutes(1));

        var response = await host.SendAsync(HttpMethod.Patch, $"api/v1/bookmarks/{id}", new { url = "https://new.example/", groupId = (string?)null, tags = new[] { "B" } }, token);

        var updated = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://new.example/", updated.GetProperty("url").GetString());
        Assert.Equal("keep", updated.GetProperty("notes").GetString());
        Assert.Equal("T", updated.GetProperty("title").GetString());
        Assert.Equal(["b"], updated.GetProperty("tags").Strings());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("groupId").ValueKind);
        Assert.True(updated.GetProperty("updatedAt").GetDateTimeOffset() > updated.GetProperty("createdAt").GetDateTimeOffset());
        // The old URL is free again, the new one is taken.
        await host.CreateBookmarkAsync(token, new { url = "https://old.example/" });
        var duplicate = await host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://new.example/" }, token);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Fact]
    public async Task UpdateBookmark_ReturnsValidationFailed_WhenFavoriteIsNullOrTypeWrong()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var id = (await host.CreateBookmarkAsync(token, new { url = "https://x.example/" })).GetProperty("id").GetString();

        var nullFavorite = await host.SendAsync(HttpMethod.Patch, $"api/v1/bookmarks/{id}", new { favorite = (bool?)null }, token);
        var wrongType = await host.SendAsync(HttpMethod.Patch, $"api/v1/bookmarks/{id}", new { title = 5 }, token);

        await nullFavorite.AssertValidationFailedAsync("favorite");
        await wrongType.AssertValidationFailedAsync("title");
    }

    [Fact]
    public async Task UpdateBookmark_KeepsEveryChange_WhenTenPatchesRace()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var id = (await host.CreateBookmarkAsync(token, new { url = "https://x.example/" })).GetProperty("id").GetString();

        // Each request changes a different field; with ETags none overwrites another's change.
        var responses = await Task.WhenAll(
            host.SendAsync(HttpMethod.Patch, $"api/v1/bookmarks/{id}", new { title = "new title" }, token),
            host.SendAsync(HttpMethod.Patch, $"api/v1/bookmarks/{id}", new { notes = "new notes" }, token),
            host.SendAsync(HttpMethod.Patch, $"api/v1/bookmarks/{id}", new { favorite = true }, token),
            host.SendAsync(HttpMethod.Patch, $"api/v1/bookmarks/{id}", new { tags = new[] { "t" } }, token));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var final = await host.GetJsonAsync(token, $"api/v1/bookmarks/{id}");
        Assert.Equal("new title", final.GetProperty("title").GetString());
        Assert.Equal("new notes", final.GetProperty("notes").GetString());
        Assert.True(final.GetProperty("favorite").GetBoolean());
        Assert.Equal(["t"], final.GetProperty("tags").Strings());
    }

    [Fact]
    public async Task DeleteBookmark_MovesToTrash_AndRestoreBringsItBack()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var id = (await host.CreateBookmarkAsync(token, new { url = "https://x.example/" })).GetProperty("id").GetString();

        var deleted = await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{id}", bearer: token);
        var listedWhileTrashed = await host.ReadAllPagesAsync(token, "api/v1/bookmarks");
        var trash = await host.ReadAllPagesAsync(token, "api/v1/trash");
        var editWhileTrashed = await host.SendAsync(HttpMethod.Patch, $"api/v1/bookmarks/{id}", new { title = "x" }, token);
        var restored = await host.SendAsync(HttpMethod.Post, $"api/v1/bookmarks/{id}/restore", bearer: token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(listedWhileTrashed);
        Assert.Equal(id, Assert.Single(trash).GetProperty("id").GetString());
        Assert.True(Assert.Single(trash).TryGetProperty("trashedAt", out _));
        await editWhileTrashed.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(id, Assert.Single(await host.ReadAllPagesAsync(token, "api/v1/bookmarks")).GetProperty("id").GetString());
        Assert.Empty(await host.ReadAllPagesAsync(token, "api/v1/trash"));
    }

    [Fact]
    public async Task DeletePermanently_RemovesBookmarkAndFreesUrl()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var id = (await host.CreateBookmarkAsync(token, new { url = "https://x.example/" })).GetProperty("id").GetString();

        var response = await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{id}?permanent=true", bearer: token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await host.SendAsync(HttpMethod.Get, $"api/v1/bookmarks/{id}", bearer: token)).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await host.CreateBookmarkAsync(token, new { url = "https://x.example/" });
    }

    [Fact]
    public async Task EmptyTrash_DeletesOnlyTrashedBookmarks()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var kept = (await host.CreateBookmarkAsync(token, new { url = "https://kept.example/" })).GetProperty("id").GetString();
        for (var i = 0; i < 60; i++)
        {
            var id = (await host.CreateBookmarkAsync(token, new { url = $"https://trash.example/{i}" })).GetProperty("id").GetString();
            await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{id}", bearer: token);
        }

        var response = await host.SendAsync(HttpMethod.Post, "api/v1/trash/empty", bearer: token);

        Assert.Equal(60, (await response.ReadJsonAsync()).GetProperty("deleted").GetInt32());
        Assert.Empty(await host.ReadAllPagesAsync(token, "api/v1/trash"));
        Assert.Equal(kept, Assert.Single(await host.ReadAllPagesAsync(token, "api/v1/bookmarks")).GetProperty("id").GetString());
        await host.CreateBookmarkAsync(token, new { url = "https://trash.example/0" });
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("PATCH", "")]
    [InlineData("DELETE", "")]
    [InlineData("DELETE", "?permanent=true")]
    [InlineData("POST", "/restore")]
    public async Task BookmarkEndpoints_ReturnNotFound_ForAnotherUsersBookmark(string method, string suffix)
    {
        var (_, owner, _) = await host.Client.SignUpAsync();
        var (_, stranger, _) = await host.Client.SignUpAsync();
        var id = (await host.CreateBookmarkAsync(owner, new { url = "https://private.example/" })).GetProperty("id").GetString();

        var response = await host.SendAsync(new HttpMethod(method), $"api/v1/bookmarks/{id}{suffix}", method == "PATCH" ? new { title = "mine" } : null, stranger);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal("https://private.example/", (await host.GetJsonAsync(owner, $"api/v1/bookmarks/{id}")).GetProperty("url").GetString());
        Assert.Empty(await host.ReadAllPagesAsync(stranger, "api/v1/bookmarks"));
    }

    [Fact]
    public async Task ListBookmarks_ReturnsMissingToken_WhenNoCredential()
    {
        var response = await host.SendAsync(HttpMethod.Get, "api/v1/bookmarks");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "MISSING_TOKEN");
    }
}

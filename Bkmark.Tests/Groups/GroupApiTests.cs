using Bkmark.Tests.Bookmarks;

namespace Bkmark.Tests.Groups;

public sealed class GroupApiTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task Groups_CreateReadUpdateList_WithDerivedCounts()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var id = await host.CreateGroupAsync(token, " Reading ", "Long reads");
        await host.CreateBookmarkAsync(token, new { url = "https://a.example/", groupId = id });
        await host.CreateBookmarkAsync(token, new { url = "https://b.example/", groupId = id });

        var patched = await (await host.SendAsync(HttpMethod.Patch, $"api/v1/groups/{id}", new { description = (string?)null }, token)).ReadJsonAsync();
        var read = await host.GetJsonAsync(token, $"api/v1/groups/{id}");
        var list = (await host.GetJsonAsync(token, "api/v1/groups")).GetProperty("data");

        Assert.Equal("Reading", patched.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("description").ValueKind);
        Assert.Equal(2, read.GetProperty("bookmarkCount").GetInt32());
        Assert.Equal(id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task DeleteGroup_KeepsItsBookmarksUngrouped()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var id = await host.CreateGroupAsync(token, "Doomed");
        var bookmark = (await host.CreateBookmarkAsync(token, new { url = "https://a.example/", groupId = id })).GetProperty("id").GetString();
        var trashed = (await host.CreateBookmarkAsync(token, new { url = "https://b.example/", groupId = id })).GetProperty("id").GetString();
        await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{trashed}", bearer: token);

        var response = await host.SendAsync(HttpMethod.Delete, $"api/v1/groups/{id}", bearer: token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await host.SendAsync(HttpMethod.Get, $"api/v1/groups/{id}", bearer: token)).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(JsonValueKind.Null, (await host.GetJsonAsync(token, $"api/v1/bookmarks/{bookmark}")).GetProperty("groupId").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await host.GetJsonAsync(token, $"api/v1/bookmarks/{trashed}")).GetProperty("groupId").ValueKind);
        var filing = await host.SendAsync(HttpMethod.Patch, $"api/v1/bookmarks/{bookmark}", new { groupId = id }, token);
        await filing.AssertValidationFailedAsync("groupId");
    }

    [Fact]
    public async Task CreateGroup_ReturnsValidationFailedNamingField_WhenNameMissingOrTooLong()
    {
        var (_, token, _) = await host.Client.SignUpAsync();

        var missing = await host.SendAsync(HttpMethod.Post, "api/v1/groups", new { description = "x" }, token);
        var tooLong = await host.SendAsync(HttpMethod.Post, "api/v1/groups", new { name = new string('n', 101) }, token);

        await missing.AssertValidationFailedAsync("name");
        await tooLong.AssertValidationFailedAsync("name");
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task GroupEndpoints_ReturnNotFound_ForAnotherUsersGroup(string method)
    {
        var (_, owner, _) = await host.Client.SignUpAsync();
        var (_, stranger, _) = await host.Client.SignUpAsync();
        var id = await host.CreateGroupAsync(owner, "Private");

        var response = await host.SendAsync(new HttpMethod(method), $"api/v1/groups/{id}", method == "PATCH" ? new { name = "mine" } : null, stranger);
        var filing = await host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://a.example/", groupId = id }, stranger);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await filing.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("Private", (await host.GetJsonAsync(owner, $"api/v1/groups/{id}")).GetProperty("name").GetString());
    }
}

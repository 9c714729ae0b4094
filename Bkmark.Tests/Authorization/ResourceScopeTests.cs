using Bkmark.Tests.ApiKeys;
using Bkmark.Tests.Bookmarks;

namespace Bkmark.Tests.Authorization;

/// <summary>Every resource endpoint with real <c>bk_</c> keys: the scope it needs, write implying read, opt-in scopes never implied.</summary>
public sealed class ResourceScopeTests(ApiKeyHostFixture host) : IClassFixture<ApiKeyHostFixture>
{
    // {b} = a bookmark of the caller, {g} = a group of the caller; tag "t" is on the bookmark.
    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "GET", "api/v1/bookmarks", Scopes.BookmarksRead },
        { "POST", "api/v1/bookmarks", Scopes.BookmarksWrite },
        { "GET", "api/v1/bookmarks/{b}", Scopes.BookmarksRead },
        { "PATCH", "api/v1/bookmarks/{b}", Scopes.BookmarksWrite },
        { "DELETE", "api/v1/bookmarks/{b}", Scopes.BookmarksWrite },
        { "POST", "api/v1/bookmarks/{b}/restore", Scopes.BookmarksWrite },
        { "DELETE", "api/v1/bookmarks/{b}?permanent=true", Scopes.Destructive },
        { "GET", "api/v1/trash", Scopes.BookmarksRead },
        { "POST", "api/v1/trash/empty", Scopes.Destructive },
        { "GET", "api/v1/tags", Scopes.TagsRead },
        { "PATCH", "api/v1/tags/t", Scopes.TagsWrite },
        { "DELETE", "api/v1/tags/t", Scopes.TagsWrite },
        { "GET", "api/v1/groups", Scopes.GroupsRead },
        { "POST", "api/v1/groups", Scopes.GroupsWrite },
        { "GET", "api/v1/groups/{g}", Scopes.GroupsRead },
        { "PATCH", "api/v1/groups/{g}", Scopes.GroupsWrite },
        { "DELETE", "api/v1/groups/{g}", Scopes.GroupsWrite },
        { "GET", "api/v1/search?q=example", Scopes.SearchRead },
        { "GET", "api/v1/export?format=html", Scopes.Export },
        { "POST", "api/v1/import", Scopes.Import },
    };

    private static readonly Dictionary<string, string> WriterOf = new()
    {
        [Scopes.BookmarksRead] = Scopes.BookmarksWrite,
        [Scopes.TagsRead] = Scopes.TagsWrite,
        [Scopes.GroupsRead] = Scopes.GroupsWrite,
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_ReturnsScopeRequiredNamingScope_WhenKeyHasEveryOtherScope(string method, string path, string scope)
    {
        // Everything but the scope (and the write scope that would imply it): opt-in scopes are not implied by any other.
        var granted = Scopes.All.Where(s => s != scope && s != WriterOf.GetValueOrDefault(scope)).ToArray();
        var (key, url) = await PrepareAsync(path, granted);

        var response = await SendAsync(method, url, key);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "SCOPE_REQUIRED");
        Assert.Contains($"'{scope}'", problem.GetProperty("detail").GetString());
        Assert.Contains("insufficient_scope", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_Succeeds_WhenKeyHasJustThatScope_OrTheWriteScopeForRead(string method, string path, string scope)
    {
        // Permanent deletes also need bookmarks:write; for a read scope, grant only its write scope.
        string[] granted = scope == Scopes.Destructive ? [Scopes.Destructive, Scopes.BookmarksWrite] : [WriterOf.GetValueOrDefault(scope, scope)];
        var (key, url) = await PrepareAsync(path, granted);

        var response = await SendAsync(method, url, key);

        Assert.True((int)response.StatusCode is >= 200 and < 300, $"{method} {url} with [{string.Join(", ", granted)}]: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task ApiKey_GetsNotFound_ForAnotherUsersBookmark()
    {
        var owner = await host.SignUpAsync();
        var bookmark = await host.CreateBookmarkAsync(owner.AccessToken, new { url = "https://owner.example/" });
        var stranger = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(stranger.AccessToken, new { name = "k", scopes = Scopes.All })).GetProperty("key").GetString()!;

        var response = await host.SendAsync(HttpMethod.Get, $"api/v1/bookmarks/{bookmark.GetProperty("id").GetString()}", bearer: key);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    /// <summary>A user with a bookmark (tagged "t", trashed so restore has work), a group, and a key with <paramref name="scopes"/>.</summary>
    private async Task<(string Key, string Url)> PrepareAsync(string path, string[] scopes)
    {
        var user = await host.SignUpAsync();
        var bookmark = (await host.CreateBookmarkAsync(user.AccessToken, new { url = "https://example.com/", tags = new[] { "t" } })).GetProperty("id").GetString();
        if (path.EndsWith("/restore", StringComparison.Ordinal))
        {
            await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{bookmark}", bearer: user.AccessToken);
        }

        var group = await host.CreateGroupAsync(user.AccessToken, "G");
        var key = (await host.CreateKeyAsync(user.AccessToken, new { name = "scoped", scopes })).GetProperty("key").GetString()!;
        return (key, path.Replace("{b}", bookmark, StringComparison.Ordinal).Replace("{g}", group, StringComparison.Ordinal));
    }

    private Task<HttpResponseMessage> SendAsync(string method, string url, string key)
    {
        object? body = (method, url) switch
        {
            ("POST", "api/v1/bookmarks") => new { url = "https://new.example/" },
            ("PATCH", _) when url.Contains("/tags/", StringComparison.Ordinal) => new { name = "renamed" },
            ("PATCH", _) => new { name = "renamed", title = "renamed" },
            ("POST", "api/v1/groups") => new { name = "New" },
            ("POST", "api/v1/import") => new { bookmarks = new[] { new { url = "https://imported.example/" } } },
            _ => null,
        };
        return host.SendAsync(new HttpMethod(method), url, body, key);
    }
}

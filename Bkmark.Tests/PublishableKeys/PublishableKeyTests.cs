namespace Bkmark.Tests.PublishableKeys;

/// <summary>Publishable keys and public groups over HTTP through the local host, against Azurite (DESIGN.md §12).</summary>
public sealed class PublishableKeyTests(PublishableKeyHostFixture host) : IClassFixture<PublishableKeyHostFixture>
{
    private const string Origin = PublishableKeyHostFixture.Origin;

    [Fact]
    public async Task Create_ReturnsTheKeyInFull_AndTheListShowsItInFull()
    {
        var user = await host.SignUpAsync();
        var groupId = await host.CreatedIdAsync("api/v1/groups", new { name = "g" }, user.AccessToken);

        var created = await host.CreateKeyAsync(user.AccessToken, [groupId.ToLowerInvariant()], ["HTTPS://Blog.Example/", "http://localhost:3000"]);
        var listed = await host.SendAsync(HttpMethod.Get, "api/v1/publishable-keys", bearer: user.AccessToken);
        var entry = Assert.Single((await listed.ReadJsonAsync()).GetProperty("data").EnumerateArray());

        Assert.Equal(["id", "name", "key", "groupIds", "allowedOrigins", "createdAt"], created.EnumerateObject().Select(p => p.Name));
        Assert.Matches("^bk_pub_[0-9a-f]{32}$", created.GetProperty("key").GetString());
        Assert.Equal([groupId], created.GetProperty("groupIds").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(["https://blog.example", "http://localhost:3000"], created.GetProperty("allowedOrigins").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(created.ToString(), entry.ToString());
    }

    [Theory]
    [InlineData("https://blog.example/path")]
    [InlineData("*")]
    [InlineData("ftp://blog.example")]
    [InlineData("https://user:pw@blog.example")]
    public async Task Create_Returns400NamingAllowedOrigins_WhenOneIsNotAnOrigin(string origin)
    {
        var user = await host.SignUpAsync();
        var groupId = await host.CreatedIdAsync("api/v1/groups", new { name = "g" }, user.AccessToken);

        var response = await host.SendAsync(HttpMethod.Post, "api/v1/publishable-keys", new { name = "n", groupIds = new[] { groupId }, allowedOrigins = new[] { origin } }, user.AccessToken);

        await response.AssertValidationFailedAsync("allowedOrigins");
    }

    [Fact]
    public async Task Create_Returns400NamingGroupIds_WhenTheGroupIsAnotherUsers()
    {
        var owner = await host.SignUpAsync();
        var stranger = await host.SignUpAsync();
        var groupId = await host.CreatedIdAsync("api/v1/groups", new { name = "g" }, owner.AccessToken);

        var response = await host.SendAsync(HttpMethod.Post, "api/v1/publishable-keys", new { name = "n", groupIds = new[] { groupId }, allowedOrigins = new[] { Origin } }, stranger.AccessToken);

        await response.AssertValidationFailedAsync("groupIds");
    }

    [Fact]
    public async Task PatchGroup_MakesItPublic_AndTheGroupShowsIt()
    {
        var user = await host.SignUpAsync();
        var groupId = await host.CreatedIdAsync("api/v1/groups", new { name = "g" }, user.AccessToken);

        var before = await (await host.SendAsync(HttpMethod.Get, $"api/v1/groups/{groupId}", bearer: user.AccessToken)).ReadJsonAsync();
        var patched = await (await host.SendAsync(HttpMethod.Patch, $"api/v1/groups/{groupId}", new { @public = true }, user.AccessToken)).ReadJsonAsync();
        var badValue = await host.SendAsync(HttpMethod.Patch, $"api/v1/groups/{groupId}", new { @public = (bool?)null }, user.AccessToken);

        Assert.False(before.GetProperty("public").GetBoolean());
        Assert.True(patched.GetProperty("public").GetBoolean());
        Assert.Equal("g", patched.GetProperty("name").GetString());
        await badValue.AssertValidationFailedAsync("public");
    }

    [Fact]
    public async Task PublicRead_ReturnsTheGroupAndOnlyItsBookmarks_FromAnAllowedOriginWithCorsHeaders()
    {
        var (user, groupId, key) = await host.PublishedGroupAsync();
        await host.CreatedIdAsync("api/v1/bookmarks", new { url = "https://ungrouped.example/" }, user.AccessToken);

        var group = await host.FromPageAsync(HttpMethod.Get, $"api/v1/public/{key}/groups/{groupId}");
        var bookmarks = await host.FromPageAsync(HttpMethod.Get, $"api/v1/public/{key}/groups/{groupId}/bookmarks");

        Assert.Equal(HttpStatusCode.OK, group.StatusCode);
        Assert.Equal(Origin, Header(group, "Access-Control-Allow-Origin"));
        Assert.Equal("Origin", Header(group, "Vary"));
        var groupBody = await group.ReadJsonAsync();
        Assert.Equal("Reading list", groupBody.GetProperty("name").GetString());
        Assert.Equal(1, groupBody.GetProperty("bookmarkCount").GetInt32());
        Assert.Equal(HttpStatusCode.OK, bookmarks.StatusCode);
        Assert.Equal(Origin, Header(bookmarks, "Access-Control-Allow-Origin"));
        var urls = (await bookmarks.ReadJsonAsync()).GetProperty("data").EnumerateArray().Select(b => b.GetProperty("url").GetString());
        Assert.Equal([$"https://{groupId.ToLowerInvariant()}.example/"], urls);
    }

    [Fact]
    public async Task PublicRead_IsNotFound_ForANamedPrivateGroup_AndForAPublicGroupTheKeyDoesNotName()
    {
        var (user, privateGroup, key) = await host.PublishedGroupAsync(makePublic: false);
        var otherPublic = await host.CreatedIdAsync("api/v1/groups", new { name = "other" }, user.AccessToken);
        await host.SendAsync(HttpMethod.Patch, $"api/v1/groups/{otherPublic}", new { @public = true }, user.AccessToken);

        var named = await host.FromPageAsync(HttpMethod.Get, $"api/v1/public/{key}/groups/{privateGroup}");
        var namedBookmarks = await host.FromPageAsync(HttpMethod.Get, $"api/v1/public/{key}/groups/{privateGroup}/bookmarks");
        var unnamed = await host.FromPageAsync(HttpMethod.Get, $"api/v1/public/{key}/groups/{otherPublic}");
        var unnamedBookmarks = await host.FromPageAsync(HttpMethod.Get, $"api/v1/public/{key}/groups/{otherPublic}/bookmarks");

        await named.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await namedBookmarks.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await unnamed.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await unnamedBookmarks.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        // The refusal is still readable by the allowed page, so it can say why.
        Assert.Equal(Origin, Header(named, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("https://blog.example.evil.example")]
    [InlineData("http://blog.example")]
    [InlineData(null)]
    public async Task PublicRead_IsRefusedWithoutCorsHeaders_FromAnOriginTheKeyDoesNotAllow(string? origin)
    {
        var (_, groupId, key) = await host.PublishedGroupAsync();

        var response = await host.FromPageAsync(HttpMethod.Get, $"api/v1/public/{key}/groups/{groupId}", origin);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "ORIGIN_NOT_ALLOWED");
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("groups/{0}")]
    [InlineData("groups/{0}/bookmarks")]
    public async Task Preflight_AllowsAnAllowedOrigin_AndAnswersNothingForOthers(string route)
    {
        var (_, groupId, key) = await host.PublishedGroupAsync();
        var path = $"api/v1/public/{key}/" + string.Format(System.Globalization.CultureInfo.InvariantCulture, route, groupId);

        var allowed = await host.FromPageAsync(HttpMethod.Options, path);
        var other = await host.FromPageAsync(HttpMethod.Options, path, "https://evil.example");

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(Origin, Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Equal("GET", Header(allowed, "Access-Control-Allow-Methods"));
        Assert.Equal("Origin", Header(allowed, "Vary"));
        await other.AssertProblemAsync(HttpStatusCode.Forbidden, "ORIGIN_NOT_ALLOWED");
        Assert.Null(Header(other, "Access-Control-Allow-Origin"));
        Assert.Null(Header(other, "Access-Control-Allow-Methods"));
    }

    [Theory]
    [InlineData("GET", "api/v1/auth/verify")]
    [InlineData("GET", "api/v1/bookmarks")]
    [InlineData("GET", "api/v1/groups")]
    [InlineData("GET", "api/v1/api-keys")]
    [InlineData("POST", "api/v1/api-keys")]
    [InlineData("GET", "api/v1/publishable-keys")]
    [InlineData("GET", "api/v1/me/sessions")]
    [InlineData("GET", "api/v1/export")]
    [InlineData("POST", "api/v1/sandbox/reset")]
    public async Task PublishableKey_IsRefused_OnEveryOtherRoute(string method, string path)
    {
        var (_, _, key) = await host.PublishedGroupAsync();
        var viaHeader = new HttpRequestMessage(new HttpMethod(method), path);
        viaHeader.Headers.Add("X-API-Key", key);

        var viaBearer = await host.SendAsync(new HttpMethod(method), path, bearer: key);
        var viaApiKeyHeader = await host.Client.SendAsync(viaHeader);

        await viaBearer.AssertProblemAsync(HttpStatusCode.Forbidden, "PUBLISHABLE_KEY_NOT_ALLOWED");
        await viaApiKeyHeader.AssertProblemAsync(HttpStatusCode.Forbidden, "PUBLISHABLE_KEY_NOT_ALLOWED");
    }

    [Fact]
    public async Task PublicRoutes_RefuseAnythingButAPublishableKey()
    {
        var (user, groupId, _) = await host.PublishedGroupAsync();

        var withAccessToken = await host.FromPageAsync(HttpMethod.Get, $"api/v1/public/{user.AccessToken}/groups/{groupId}");
        var withLiveKeyShape = await host.FromPageAsync(HttpMethod.Get, $"api/v1/public/bk_{new string('0', 32)}/groups/{groupId}");
        var withUnknownPublishableKey = await host.FromPageAsync(HttpMethod.Get, $"api/v1/public/bk_pub_{new string('0', 32)}/groups/{groupId}");

        await withAccessToken.AssertProblemAsync(HttpStatusCode.Forbidden, "PUBLISHABLE_KEY_REQUIRED");
        await withLiveKeyShape.AssertProblemAsync(HttpStatusCode.Forbidden, "PUBLISHABLE_KEY_REQUIRED");
        await withUnknownPublishableKey.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
    }

    [Fact]
    public async Task PublishableKeyManagement_NeedsASession()
    {
        var user = await host.SignUpAsync("pro");
        var apiKey = (await (await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "k", scopes = new[] { "groups:write" } }, user.AccessToken)).ReadJsonAsync()).GetProperty("key").GetString();

        var response = await host.SendAsync(HttpMethod.Get, "api/v1/publishable-keys", bearer: apiKey);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "API_KEY_NOT_ALLOWED");
    }

    [Fact]
    public async Task PublicRead_IsRateLimitedPerKeyAndClientAddress()
    {
        var (_, groupId, key) = await host.PublishedGroupAsync();
        var (_, otherGroupId, otherKey) = await host.PublishedGroupAsync();
        var path = $"api/v1/public/{key}/groups/{groupId}";

        var first = new List<HttpResponseMessage>();
        for (var i = 0; i <= PublishableKeyHostFixture.RateLimit; i++)
        {
            first.Add(await host.FromPageAsync(HttpMethod.Get, path, clientIp: "203.0.113.10"));
        }

        var otherAddress = await host.FromPageAsync(HttpMethod.Get, path, clientIp: "203.0.113.11");
        var otherKeySameAddress = await host.FromPageAsync(HttpMethod.Get, $"api/v1/public/{otherKey}/groups/{otherGroupId}", clientIp: "203.0.113.10");

        Assert.All(first.Take(PublishableKeyHostFixture.RateLimit), response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        var limited = first[^1];
        await limited.AssertProblemAsync((HttpStatusCode)429, "RATE_LIMITED");
        Assert.NotNull(Header(limited, "Retry-After"));
        Assert.Equal(Origin, Header(limited, "Access-Control-Allow-Origin"));
        Assert.Equal("0", Header(limited, "RateLimit-Remaining"));
        Assert.Equal(HttpStatusCode.OK, otherAddress.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherKeySameAddress.StatusCode);
    }

    [Fact]
    public async Task Delete_StopsTheKeyAtOnce_AndRemovesItFromTheList()
    {
        var (user, groupId, key) = await host.PublishedGroupAsync();
        var id = (await (await host.SendAsync(HttpMethod.Get, "api/v1/publishable-keys", bearer: user.AccessToken)).ReadJsonAsync())
            .GetProperty("data")[0].GetProperty("id").GetString();

        var deleted = await host.SendAsync(HttpMethod.Delete, $"api/v1/publishable-keys/{id}", bearer: user.AccessToken);
        var read = await host.FromPageAsync(HttpMethod.Get, $"api/v1/public/{key}/groups/{groupId}");
        var list = await (await host.SendAsync(HttpMethod.Get, "api/v1/publishable-keys", bearer: user.AccessToken)).ReadJsonAsync();
        var again = await host.SendAsync(HttpMethod.Delete, $"api/v1/publishable-keys/{id}", bearer: user.AccessToken);

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        await read.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
        Assert.Empty(list.GetProperty("data").EnumerateArray());
        await again.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null;
}

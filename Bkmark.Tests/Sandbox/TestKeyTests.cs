using Bkmark.Core.ApiKeys;
using Bkmark.Tests.ApiKeys;

namespace Bkmark.Tests.Sandbox;

/// <summary>Test keys (<c>bk_test_…</c>) and the sandbox they act on, over HTTP against Azurite (DESIGN.md §12).</summary>
public sealed class TestKeyTests(ApiKeyHostFixture host) : IClassFixture<ApiKeyHostFixture>
{
    private static readonly string[] LibraryScopes = ["bookmarks:write", "groups:write", "tags:write", "search:read", "destructive"];

    [Fact]
    public void Format_NeverParsesATestKeyAsLive_NorALiveKeyAsTest()
    {
        var live = ApiKeyFormat.Generate();
        var test = ApiKeyFormat.Generate(KeyEnvironment.Test);

        Assert.True(ApiKeyFormat.TryParse(live, out var liveEnvironment));
        Assert.True(ApiKeyFormat.TryParse(test, out var testEnvironment));
        Assert.Equal(KeyEnvironment.Live, liveEnvironment);
        Assert.Equal(KeyEnvironment.Test, testEnvironment);
        Assert.Matches("^bk_test_[0-9a-f]{32}$", test);
        Assert.Equal(16, ApiKeyFormat.KeyPrefixOf(test).Length);
        Assert.Equal(11, ApiKeyFormat.KeyPrefixOf(live).Length);
        // A live key whose random part is the test prefix's length short, or a test key cut to a live key's length.
        Assert.False(ApiKeyFormat.TryParse("bk_test_" + live[3..27], out _));
        Assert.False(ApiKeyFormat.TryParse(test[..35], out _));
        Assert.False(ApiKeyFormat.TryParse("bk_test_" + new string('A', 32), out _));
    }

    [Fact]
    public async Task Create_ReturnsATestKey_WhenEnvironmentIsTest_AndLiveKeysKeepTheirFormat()
    {
        var user = await host.SignUpAsync();

        var test = await host.CreateKeyAsync(user.AccessToken, new { name = "sandbox", scopes = LibraryScopes, environment = "test" });
        var live = await host.CreateKeyAsync(user.AccessToken);
        var listed = await ListKeysAsync(user.AccessToken);

        var testKey = test.GetProperty("key").GetString()!;
        Assert.Matches("^bk_test_[0-9a-f]{32}$", testKey);
        Assert.Equal(testKey[..16], test.GetProperty("keyPrefix").GetString());
        Assert.Equal("test", test.GetProperty("environment").GetString());
        Assert.Matches("^bk_[0-9a-f]{32}$", live.GetProperty("key").GetString());
        Assert.Equal("live", live.GetProperty("environment").GetString());
        Assert.Equal(
            new (string?, string?)[] { ("sandbox", "test"), ("test key", "live") },
            listed.Select(k => (k.GetProperty("name").GetString(), k.GetProperty("environment").GetString())).Order());
    }

    [Fact]
    public async Task Create_Returns400NamingEnvironment_WhenItIsUnknown()
    {
        var user = await host.SignUpAsync();

        var response = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "n", scopes = LibraryScopes, environment = "staging" }, user.AccessToken);

        await response.AssertValidationFailedAsync("environment");
    }

    [Fact]
    public async Task TestKey_NeverReadsOrWritesLiveData_AndALiveKeyNeverTheSandbox()
    {
        var user = await host.SignUpAsync();
        var testKey = await CreateKeyAsync(user, "test");
        var liveKey = await CreateKeyAsync(user, "live");
        var liveBookmark = await CreatedIdAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://live.example/" }, user.AccessToken);
        var liveGroup = await CreatedIdAsync(HttpMethod.Post, "api/v1/groups", new { name = "live group" }, liveKey);

        var sandboxBookmark = await CreatedIdAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://sandbox.example/", tags = new[] { "sandbox" } }, testKey);

        Assert.Equal(["https://sandbox.example/"], await BookmarkUrlsAsync(testKey));
        Assert.Equal(["https://live.example/"], await BookmarkUrlsAsync(liveKey));
        Assert.Equal(["https://live.example/"], await BookmarkUrlsAsync(user.AccessToken));
        await (await host.SendAsync(HttpMethod.Get, $"api/v1/bookmarks/{liveBookmark}", bearer: testKey)).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{liveBookmark}", bearer: testKey)).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await host.SendAsync(HttpMethod.Patch, $"api/v1/groups/{liveGroup}", new { name = "renamed" }, testKey)).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await host.SendAsync(HttpMethod.Get, $"api/v1/bookmarks/{sandboxBookmark}", bearer: liveKey)).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Empty((await host.SendForJsonAsync(HttpMethod.Get, "api/v1/groups", bearer: testKey)).GetProperty("data").EnumerateArray());
        Assert.DoesNotContain("sandbox", (await host.SendForJsonAsync(HttpMethod.Get, "api/v1/tags", bearer: liveKey)).ToString());
        Assert.Contains("sandbox", (await host.SendForJsonAsync(HttpMethod.Get, "api/v1/tags", bearer: testKey)).ToString());
        Assert.Equal("live group", (await host.SendForJsonAsync(HttpMethod.Get, $"api/v1/groups/{liveGroup}", bearer: user.AccessToken)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task TestKey_ManagesOnlyTestKeys_AndCannotCreateALiveKey()
    {
        var user = await host.SignUpAsync();
        var testKey = await CreateKeyAsync(user, "test");
        var live = await host.CreateKeyAsync(user.AccessToken);
        var liveId = live.GetProperty("id").GetString();

        var madeByTestKey = await host.CreateKeyAsync(testKey, new { name = "child", scopes = new[] { "bookmarks:read" } });
        var explicitLive = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "escape", scopes = new[] { "bookmarks:read" }, environment = "live" }, testKey);
        var listed = await ListKeysAsync(testKey);
        var getLive = await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys/{liveId}", bearer: testKey);
        var renameLive = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{liveId}", new { name = "x" }, testKey);
        var revokeLive = await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{liveId}", bearer: testKey);

        Assert.Equal("test", madeByTestKey.GetProperty("environment").GetString());
        await explicitLive.AssertProblemAsync(HttpStatusCode.Forbidden, "KEY_LIMITS_EXCEEDED");
        Assert.All(listed, key => Assert.Equal("test", key.GetProperty("environment").GetString()));
        Assert.Equal(2, listed.Count);
        await getLive.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await renameLive.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await revokeLive.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: live.GetProperty("key").GetString())).StatusCode);
    }

    [Fact]
    public async Task SandboxReset_EmptiesTheSandbox_AndLeavesLiveDataAlone()
    {
        var user = await host.SignUpAsync();
        var testKey = await CreateKeyAsync(user, "test");
        await CreatedIdAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://live.example/" }, user.AccessToken);
        await CreatedIdAsync(HttpMethod.Post, "api/v1/groups", new { name = "live group" }, user.AccessToken);
        var sandboxGroup = await CreatedIdAsync(HttpMethod.Post, "api/v1/groups", new { name = "sandbox group" }, testKey);
        await CreatedIdAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://sandbox.example/", groupId = sandboxGroup }, testKey);

        var reset = await host.SendAsync(HttpMethod.Post, "api/v1/sandbox/reset", bearer: testKey);

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Empty(await BookmarkUrlsAsync(testKey));
        Assert.Empty((await host.SendForJsonAsync(HttpMethod.Get, "api/v1/groups", bearer: testKey)).GetProperty("data").EnumerateArray());
        Assert.Equal(["https://live.example/"], await BookmarkUrlsAsync(user.AccessToken));
        Assert.Single((await host.SendForJsonAsync(HttpMethod.Get, "api/v1/groups", bearer: user.AccessToken)).GetProperty("data").EnumerateArray());
        // The same URL can be added again: its URL index went with the bookmark.
        await CreatedIdAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://sandbox.example/" }, testKey);
    }

    [Fact]
    public async Task SandboxReset_WorksWithASession_AndRefusesALiveKey()
    {
        var user = await host.SignUpAsync();
        var testKey = await CreateKeyAsync(user, "test");
        var liveKey = await CreateKeyAsync(user, "live");
        await CreatedIdAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://sandbox.example/" }, testKey);

        var byLiveKey = await host.SendAsync(HttpMethod.Post, "api/v1/sandbox/reset", bearer: liveKey);
        var sandboxAfterLiveKey = await BookmarkUrlsAsync(testKey);
        var bySession = await host.SendAsync(HttpMethod.Post, "api/v1/sandbox/reset", bearer: user.AccessToken);

        await byLiveKey.AssertProblemAsync(HttpStatusCode.Forbidden, "TEST_KEY_REQUIRED");
        Assert.Single(sandboxAfterLiveKey);
        Assert.Equal(HttpStatusCode.NoContent, bySession.StatusCode);
        Assert.Empty(await BookmarkUrlsAsync(testKey));
    }

    [Fact]
    public async Task SandboxReset_NeedsTheDestructiveScope_ForATestKey()
    {
        var user = await host.SignUpAsync();
        var readOnly = (await host.CreateKeyAsync(user.AccessToken, new { name = "ro", scopes = new[] { "bookmarks:read" }, environment = "test" })).GetProperty("key").GetString()!;

        var response = await host.SendAsync(HttpMethod.Post, "api/v1/sandbox/reset", bearer: readOnly);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "SCOPE_REQUIRED");
    }

    private async Task<string> CreateKeyAsync(SignedInUser user, string environment) =>
        (await host.CreateKeyAsync(user.AccessToken, new { name = environment, scopes = LibraryScopes, environment })).GetProperty("key").GetString()!;

    private async Task<string> CreatedIdAsync(HttpMethod method, string path, object body, string bearer)
    {
        var response = await host.SendAsync(method, path, body, bearer);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    private async Task<List<string?>> BookmarkUrlsAsync(string bearer) =>
        (await host.SendForJsonAsync(HttpMethod.Get, "api/v1/bookmarks", bearer: bearer)).GetProperty("data").EnumerateArray().Select(b => b.GetProperty("url").GetString()).ToList();

    private async Task<List<JsonElement>> ListKeysAsync(string bearer) =>
        (await host.SendForJsonAsync(HttpMethod.Get, "api/v1/api-keys", bearer: bearer)).GetProperty("data").EnumerateArray().ToList();
}

namespace Bkmark.Tests.PublishableKeys;

/// <summary>The local host with a small per-key-and-address rate limit, plus helpers for publishable keys and public groups.</summary>
public sealed class PublishableKeyHostFixture() : LocalHostFixture(new Dictionary<string, string?> { ["PublishableKeys:RateLimitPerMinute"] = RateLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) })
{
    public const int RateLimit = 5;
    public const string Origin = "https://blog.example";

    /// <summary>A signed-in user with a group (public when asked) holding one bookmark, and a key naming it for <see cref="Origin"/>.</summary>
    public async Task<(SignedInUser User, string GroupId, string Key)> PublishedGroupAsync(bool makePublic = true)
    {
        var user = await SignUpAsync();
        var groupId = await CreatedIdAsync("api/v1/groups", new { name = "Reading list" }, user.AccessToken);
        await CreatedIdAsync("api/v1/bookmarks", new { url = $"https://{groupId.ToLowerInvariant()}.example/", groupId }, user.AccessToken);
        if (makePublic)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Patch, $"api/v1/groups/{groupId}", new { @public = true }, user.AccessToken)).StatusCode);
        }

        var key = (await CreateKeyAsync(user.AccessToken, [groupId], [Origin])).GetProperty("key").GetString()!;
        return (user, groupId, key);
    }

    public async Task<JsonElement> CreateKeyAsync(string accessToken, string[] groupIds, string[] origins)
    {
        var response = await SendAsync(HttpMethod.Post, "api/v1/publishable-keys", new { name = "blog", groupIds, allowedOrigins = origins }, accessToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    public async Task<string> CreatedIdAsync(string path, object body, string bearer)
    {
        var response = await SendAsync(HttpMethod.Post, path, body, bearer);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    /// <summary>A request as a browser on <paramref name="origin"/> sends it; <paramref name="clientIp"/> arrives as the front end's X-Forwarded-For.</summary>
    public Task<HttpResponseMessage> FromPageAsync(HttpMethod method, string path, string? origin = Origin, string? clientIp = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (method == HttpMethod.Options)
        {
            request.Headers.Add("Access-Control-Request-Method", "GET");
        }

        if (clientIp is not null)
        {
            request.Headers.Add("X-Forwarded-For", clientIp);
        }

        return Client.SendAsync(request);
    }
}

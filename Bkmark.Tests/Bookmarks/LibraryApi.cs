namespace Bkmark.Tests.Bookmarks;

/// <summary>The calls the library tests repeat: create a bookmark or group, read every page of a list.</summary>
public static class LibraryApi
{
    public static async Task<JsonElement> CreateBookmarkAsync(this LocalHostFixture host, string token, object body)
    {
        var response = await host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", body, token);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    public static async Task<string> CreateGroupAsync(this LocalHostFixture host, string token, string name, string? description = null)
    {
        var response = await host.SendAsync(HttpMethod.Post, "api/v1/groups", new { name, description }, token);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    /// <summary>Follows <c>nextCursor</c> to the end and returns every item, in order.</summary>
    public static async Task<List<JsonElement>> ReadAllPagesAsync(this LocalHostFixture host, string token, string path)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        do
        {
            var page = await host.GetJsonAsync(token, cursor is null ? path : $"{path}{separator}cursor={Uri.EscapeDataString(cursor)}");
            items.AddRange(page.GetProperty("data").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return items;
    }

    public static IReadOnlyList<string> Strings(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}

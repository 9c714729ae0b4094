using System.Net.Http.Headers;
using Azure.Core.Pipeline;

namespace Bkmark.Tests.Bookmarks;

/// <summary>
/// DESIGN §7 "Cost is linear in input": a library's size limit (409 LIBRARY_FULL) and search and export
/// walking storage page by page, over HTTP through the local host with a small limit and small pages.
/// </summary>
public sealed class LibraryLimitsTests(LibraryLimitsTests.SmallLibraryFixture host) : IClassFixture<LibraryLimitsTests.SmallLibraryFixture>
{
    private const int MaxBookmarks = 40;
    private const int PageSize = 10;

    [Fact]
    public async Task Create_Returns409LibraryFull_AtTheLimit_TrashIncluded_UntilOneIsDeletedForGood()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        await ImportAsync(token, Urls("full", MaxBookmarks - 1));
        var last = await host.CreateBookmarkAsync(token, new { url = "https://full.example/last" });
        var id = last.GetProperty("id").GetString();

        var overLimit = await host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://full.example/over" }, token);
        (await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{id}", bearer: token)).EnsureSuccessStatusCode();
        var whileInTrash = await host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://full.example/over" }, token);
        (await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{id}?permanent=true", bearer: token)).EnsureSuccessStatusCode();
        var afterDelete = await host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://full.example/over" }, token);

        var problem = await overLimit.AssertProblemAsync(HttpStatusCode.Conflict, "LIBRARY_FULL");
        Assert.Contains("40", problem.GetProperty("detail").GetString());
        await whileInTrash.AssertProblemAsync(HttpStatusCode.Conflict, "LIBRARY_FULL");
        Assert.Equal(HttpStatusCode.Created, afterDelete.StatusCode);
    }

    [Fact]
    public async Task Import_IsRefusedWhole_WhenItWouldOverflow_AndUrlsAlreadyThereDoNotCount()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        await ImportAsync(token, Urls("base", 30));

        var overflowing = await PostImportAsync(token, Urls("more", 11, group: "New folder"));
        var fitting = await ImportAsync(token, [.. Urls("base", 30), .. Urls("more", 10)]);

        await overflowing.AssertProblemAsync(HttpStatusCode.Conflict, "LIBRARY_FULL");
        Assert.Equal((10, 30), (fitting.GetProperty("imported").GetInt32(), fitting.GetProperty("skipped").GetInt32()));
        Assert.Equal(MaxBookmarks, (await host.ReadAllPagesAsync(token, "api/v1/bookmarks?limit=100")).Count);
        Assert.Empty((await host.GetJsonAsync(token, "api/v1/groups")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Create_HoldsTheLimit_When20CreatesRace()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        await ImportAsync(token, Urls("race", MaxBookmarks - 5));

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = $"https://race.example/new/{i}" }, token)));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "LIBRARY_FULL");
        }

        Assert.Equal(MaxBookmarks, (await host.ReadAllPagesAsync(token, "api/v1/bookmarks?limit=100")).Count);
    }

    [Fact]
    public async Task Export_ReadsTheLibraryPageByPage_AndWritesEveryBookmarkOnce()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        await ImportAsync(token, [.. Urls("export", 20), .. Urls("grouped", 15, group: "Reading")]);
        host.StorageRequests.Clear();

        var json = JsonDocument.Parse(await ExportAsync(token, "json")).RootElement;
        var queries = host.StorageRequests.Requests.Count(r => r.IsQuery && r.Uri.AbsolutePath.Contains(TableNames.Library, StringComparison.Ordinal));
        var html = await ExportAsync(token, "html");

        var exported = json.GetProperty("bookmarks").EnumerateArray().ToList();
        Assert.Equal(35, exported.Select(b => b.GetProperty("url").GetString()).Distinct().Count());
        Assert.Equal(35, exported.Count);
        Assert.Equal(15, exported.Count(b => b.GetProperty("group").GetString() == "Reading"));
        // 35 bookmarks at 10 a page: at least 4 page requests (plus the groups query), never one read of everything.
        Assert.InRange(queries, 35 / PageSize + 1, 35 / PageSize + 3);
        Assert.Equal(35, html.Split("<DT><A HREF=").Length - 1);
        Assert.Equal(15, html[html.IndexOf("Reading</H3>", StringComparison.Ordinal)..html.IndexOf("</DL>", StringComparison.Ordinal)].Split("<DT><A HREF=\"https://grouped.example/").Length - 1);
    }

    [Fact]
    public async Task Search_RanksAcrossStoragePages_AsIfTheLibraryWereReadAtOnce()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        // Newest last in the file: titles score above URLs, and equal scores come newest first.
        var file = Enumerable.Range(0, 30).Select(i => new
        {
            url = $"https://search.example/{(i % 3 == 0 ? "needle" : "hay")}/{i}",
            title = i % 10 == 0 ? $"needle {i}" : $"page {i}",
            createdAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + i),
        });
        await ImportAsync(token, file);

        var found = await host.ReadAllPagesAsync(token, "api/v1/search?q=needle&limit=3");

        Assert.Equal(
            ["needle 20", "needle 10", "needle 0", "page 27", "page 24", "page 21", "page 18", "page 15", "page 12", "page 9", "page 6", "page 3"],
            found.Select(b => b.GetProperty("title").GetString()));
    }

    private static IEnumerable<object> Urls(string host, int count, string? group = null) =>
        Enumerable.Range(0, count).Select(i => new { url = $"https://{host}.example/{i}", group });

    private async Task<JsonElement> ImportAsync(string token, IEnumerable<object> bookmarks)
    {
        var response = await PostImportAsync(token, bookmarks);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private Task<HttpResponseMessage> PostImportAsync(string token, IEnumerable<object> bookmarks)
    {
        var content = new StringContent(JsonSerializer.Serialize(new { bookmarks }), Encoding.UTF8, "application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/import") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return host.Client.SendAsync(request);
    }

    private async Task<string> ExportAsync(string token, string format)
    {
        var response = await host.SendAsync(HttpMethod.Get, $"api/v1/export?format={format}", bearer: token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A library of at most 40 bookmarks, read 10 to a storage page, with storage requests counted.</summary>
    public sealed class SmallLibraryFixture() : LocalHostFixture(new Dictionary<string, string?>
    {
        ["Library:MaxBookmarks"] = MaxBookmarks.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Library:PageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    })
    {
        public StorageRequestCounter StorageRequests { get; } = new();

        /// <summary>Storage requests are counted here: emails stay queued, so the email trigger's storage work is not counted.</summary>
        protected override bool RunsQueueTriggers => false;

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<HttpPipelinePolicy>(StorageRequests);
    }
}

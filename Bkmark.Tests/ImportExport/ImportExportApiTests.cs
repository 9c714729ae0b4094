using System.Net.Http.Headers;
using Bkmark.Tests.Bookmarks;

namespace Bkmark.Tests.ImportExport;

public sealed class ImportExportApiTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private Task<HttpResponseMessage> ImportAsync(string token, string content, string mediaType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/import") { Content = new StringContent(content, Encoding.UTF8, mediaType) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return host.Client.SendAsync(request);
    }

    private async Task<string> ExportAsync(string token, string format)
    {
        var response = await host.SendAsync(HttpMethod.Get, $"api/v1/export?format={format}", bearer: token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>What a library is, independent of ids: every bookmark's content with its group's name, and the groups.</summary>
    private async Task<(List<string> Bookmarks, List<string> Groups)> SnapshotAsync(string token, bool secondsOnly)
    {
        var groups = (await host.GetJsonAsync(token, "api/v1/groups")).GetProperty("data").EnumerateArray().ToList();
        var names = groups.ToDictionary(g => g.GetProperty("id").GetString()!, g => g.GetProperty("name").GetString()!);
        var bookmarks = await host.ReadAllPagesAsync(token, "api/v1/bookmarks");
        return (
            [.. bookmarks.Select(b =>
            {
                var created = b.GetProperty("createdAt").GetDateTimeOffset();
                var groupId = b.GetProperty("groupId").GetString();
                return string.Join("|", b.GetProperty("url").GetString(), b.GetProperty("title").GetString(), b.GetProperty("notes").GetString(),
                    string.Join(",", b.GetProperty("tags").Strings()), groupId is null ? "" : names[groupId], b.GetProperty("favorite").GetBoolean(),
                    secondsOnly ? created.ToUnixTimeSeconds() : created.ToUnixTimeMilliseconds());
            })],
            [.. groups.Select(g => g.GetProperty("name").GetString() + "|" + g.GetProperty("description").GetString() + "|" + g.GetProperty("bookmarkCount").GetInt32())]);
    }

    private async Task<string> SeedLibraryAsync()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var work = await host.CreateGroupAsync(token, "Work & <Play>", "Things \"quoted\" & 'apostrophes'");
        await host.CreateGroupAsync(token, "Empty");
        await host.CreateBookmarkAsync(token, new { url = "https://example.com/?a=1&b=\"2\"", title = "<b>Bold</b> & co", notes = "two\nlines", tags = new[] { "x&y", "z" }, groupId = work, favorite = true });
        host.Time.Advance(TimeSpan.FromSeconds(2));
        await host.CreateBookmarkAsync(token, new { url = "https://café.example/ü", title = "Café ☕" });
        host.Time.Advance(TimeSpan.FromSeconds(2));
        await host.CreateBookmarkAsync(token, new { url = "https://plain.example/", title = "Plain", groupId = work });
        return token;
    }

    [Theory]
    [InlineData("json", "application/json", false)]
    [InlineData("html", "text/html", true)]
    public async Task ExportThenImport_ReproducesLibrary_InBothFormats(string format, string mediaType, bool secondsOnly)
    {
        var source = await SeedLibraryAsync();
        var expected = await SnapshotAsync(source, secondsOnly);
        var file = await ExportAsync(source, format);
        var (_, target, _) = await host.Client.SignUpAsync();

        var response = await ImportAsync(target, file, mediaType);

        var report = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, report.GetProperty("imported").GetInt32());
        Assert.Empty(report.GetProperty("errors").EnumerateArray());
        var actual = await SnapshotAsync(target, secondsOnly);
        Assert.Equal(expected.Bookmarks, actual.Bookmarks);
        Assert.Equal(expected.Groups.Order(), actual.Groups.Order());
    }

    [Fact]
    public async Task Import_IsIdempotentByUrl_WhenSameFileImportedTwice()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var file = NetscapeBookmarkFileTests.ReadTestFile("chrome-export.html");

        await ImportAsync(token, file, "text/html");
        var second = await (await ImportAsync(token, file, "text/html")).ReadJsonAsync();

        Assert.Equal(0, second.GetProperty("imported").GetInt32());
        Assert.Equal(5, second.GetProperty("skipped").GetInt32());
        Assert.Equal(5, (await host.ReadAllPagesAsync(token, "api/v1/bookmarks")).Count);
        Assert.Single((await host.GetJsonAsync(token, "api/v1/groups")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Import_ReadsChromeExport()
    {
        var (_, token, _) = await host.Client.SignUpAsync();

        var report = await (await ImportAsync(token, NetscapeBookmarkFileTests.ReadTestFile("chrome-export.html"), "text/html")).ReadJsonAsync();

        Assert.Equal(5, report.GetProperty("imported").GetInt32());
        var error = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Equal("chrome://settings/", error.GetProperty("url").GetString());
        Assert.Equal(20, error.GetProperty("line").GetInt32());
        var bookmarks = await host.ReadAllPagesAsync(token, "api/v1/bookmarks");
        Assert.Equal(["Café ☕ — Wikipédia", "Hacker News", "Stack Overflow 'newest' \"questions\"", ".NET documentation <official>", "GitHub"],
            bookmarks.Select(b => b.GetProperty("title").GetString()));
        var group = Assert.Single((await host.GetJsonAsync(token, "api/v1/groups")).GetProperty("data").EnumerateArray());
        Assert.Equal(("Dev & Ops", 2), (group.GetProperty("name").GetString(), group.GetProperty("bookmarkCount").GetInt32()));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000100), bookmarks[^1].GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Import_ReadsFirefoxExport()
    {
        var (_, token, _) = await host.Client.SignUpAsync();

        var report = await (await ImportAsync(token, NetscapeBookmarkFileTests.ReadTestFile("firefox-export.html"), "text/html")).ReadJsonAsync();

        Assert.Equal(5, report.GetProperty("imported").GetInt32());
        Assert.Equal("place:sort=8&maxResults=10", Assert.Single(report.GetProperty("errors").EnumerateArray()).GetProperty("url").GetString());
        var byTitle = (await host.ReadAllPagesAsync(token, "api/v1/bookmarks")).ToDictionary(b => b.GetProperty("title").GetString()!);
        var mdn = byTitle["HTML: HyperText Markup Language | MDN"];
        Assert.Equal(["html", "reference"], mdn.GetProperty("tags").Strings());
        Assert.Equal("The reference for HTML & its elements <div>.", mdn.GetProperty("notes").GetString());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1690000200), mdn.GetProperty("updatedAt").GetDateTimeOffset());
        var group = Assert.Single((await host.GetJsonAsync(token, "api/v1/groups")).GetProperty("data").EnumerateArray());
        Assert.Equal(("Mozilla Firefox", "Links that ship with Firefox"), (group.GetProperty("name").GetString(), group.GetProperty("description").GetString()));
        Assert.Equal(group.GetProperty("id").GetString(), byTitle["Get Help"].GetProperty("groupId").GetString());
        var tags = (await host.GetJsonAsync(token, "api/v1/tags")).GetProperty("data").EnumerateArray().Select(t => t.GetProperty("name").GetString());
        Assert.Equal(["html", "lang", "reference", "rust"], tags);
    }

    [Theory]
    [InlineData("text/html", "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n    <DT><A HREF=\"https://a.example/\">A</A>\n    <DT><A HREF=\"https://b.example/\">B\n</DL><p>\n", "Line 4:")]
    [InlineData("application/json", "{\n  \"bookmarks\": [\n    { \"url\": \"https://a.example/\" },\n    { \"url\": \"https://b.example/\", \"tags\": 5 }\n  ]\n}", "Line 4:")]
    [InlineData("application/json", "{\n  \"bookmarks\": [\n    { \"url\": \"https://a.example/\" },\n", "Line 4:")]
    public async Task Import_ReturnsValidationFailedNamingLine_AndImportsNothing_WhenFileMalformed(string mediaType, string file, string line)
    {
        var (_, token, _) = await host.Client.SignUpAsync();

        var response = await ImportAsync(token, file, mediaType);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.StartsWith(line, problem.GetProperty("errors").GetProperty("body")[0].GetString());
        Assert.Empty(await host.ReadAllPagesAsync(token, "api/v1/bookmarks"));
    }

    [Fact]
    public async Task Import_RefusesDeeplyNestedJson_As400_WithoutWalkingIt()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var file = "{\"bookmarks\":[{\"url\":\"https://a.example/\",\"tags\":" + new string('[', 100_000) + new string(']', 100_000) + "}]}";

        var response = await ImportAsync(token, file, "application/json");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.StartsWith("Line 1:", problem.GetProperty("errors").GetProperty("body")[0].GetString());
        Assert.Empty(await host.ReadAllPagesAsync(token, "api/v1/bookmarks"));
    }

    [Fact]
    public async Task Import_ReturnsPayloadTooLarge_WhenOver5MiB()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var file = "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<!--" + new string('x', 5 * 1024 * 1024) + "-->";

        var response = await ImportAsync(token, file, "text/html");

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Import_ReportsInvalidEntries_AndImportsTheRest()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var file = JsonSerializer.Serialize(new { bookmarks = new object[] { new { url = "https://ok.example/" }, new { url = "nope" }, new { url = "https://ok.example" } } });

        var report = await (await ImportAsync(token, file, "application/json")).ReadJsonAsync();

        Assert.Equal((1, 1), (report.GetProperty("imported").GetInt32(), report.GetProperty("skipped").GetInt32()));
        Assert.Equal("bookmarks[1]", Assert.Single(report.GetProperty("errors").EnumerateArray()).GetProperty("path").GetString());
    }

    [Fact]
    public async Task Import_ImportsEachUrlOnce_WhenFiveImportsRace()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var file = JsonSerializer.Serialize(new { bookmarks = Enumerable.Range(0, 40).Select(i => new { url = $"https://race.example/{i}" }) });

        var reports = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ => await (await ImportAsync(token, file, "application/json")).ReadJsonAsync()));

        Assert.Equal(40, reports.Sum(r => r.GetProperty("imported").GetInt32()));
        Assert.Equal(40, (await host.ReadAllPagesAsync(token, "api/v1/bookmarks")).Select(b => b.GetProperty("url").GetString()).Distinct().Count());
        Assert.Equal(40, (await host.ReadAllPagesAsync(token, "api/v1/bookmarks")).Count);
    }

    [Fact]
    public async Task Export_ReturnsValidationFailed_WhenFormatUnknown()
    {
        var (_, token, _) = await host.Client.SignUpAsync();

        var response = await host.SendAsync(HttpMethod.Get, "api/v1/export?format=csv", bearer: token);

        await response.AssertValidationFailedAsync("format");
    }

    [Fact]
    public async Task Export_LeavesOutTrashAndOtherUsers()
    {
        var token = await SeedLibraryAsync();
        var (_, other, _) = await host.Client.SignUpAsync();
        await host.CreateBookmarkAsync(other, new { url = "https://other-user.example/" });
        var trashed = (await host.CreateBookmarkAsync(token, new { url = "https://trashed.example/" })).GetProperty("id").GetString();
        await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{trashed}", bearer: token);

        var html = await ExportAsync(token, "html");

        Assert.StartsWith("<!DOCTYPE NETSCAPE-Bookmark-file-1>", html);
        Assert.Contains("<DT><H3 ", html);
        Assert.Contains("&lt;b&gt;Bold&lt;/b&gt; &amp; co", html);
        Assert.DoesNotContain("trashed.example", html);
        Assert.DoesNotContain("other-user.example", html);
    }
}

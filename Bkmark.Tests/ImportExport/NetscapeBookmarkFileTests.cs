using Bkmark.Core.Library.Bookmarks;
using Bkmark.Core.Library.Groups;
using Bkmark.Core.Library.ImportExport;

namespace Bkmark.Tests.ImportExport;

public sealed class NetscapeBookmarkFileTests
{
    public static string ReadTestFile(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ImportExport", "TestData", name));

    [Fact]
    public void Parse_ReadsChromeExport_WithBarChildrenUngroupedAndNestedFolderAsGroup()
    {
        var library = NetscapeBookmarkFile.Parse(ReadTestFile("chrome-export.html"));

        Assert.True(library.Succeeded);
        Assert.Equal(["Dev & Ops"], library.Value.Groups.Select(g => g.Name));
        var bookmarks = library.Value.Bookmarks;
        Assert.Equal(6, bookmarks.Count);
        Assert.Equal(("https://github.com/", "GitHub", (string?)null), (bookmarks[0].Url, bookmarks[0].Title, bookmarks[0].Group));
        Assert.Equal("https://learn.microsoft.com/en-us/dotnet/?view=net-10.0&tabs=windows", bookmarks[1].Url);
        Assert.Equal(".NET documentation <official>", bookmarks[1].Title);
        Assert.Equal("Dev & Ops", bookmarks[1].Group);
        Assert.Equal("Stack Overflow 'newest' \"questions\"", bookmarks[2].Title);
        Assert.Equal("Café ☕ — Wikipédia", bookmarks[4].Title);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000210), bookmarks[1].CreatedAt);
        Assert.Equal(14, bookmarks[1].Line);
    }

    [Fact]
    public void Parse_ReadsFirefoxExport_WithTagsDescriptionsAndRootFolders()
    {
        var library = NetscapeBookmarkFile.Parse(ReadTestFile("firefox-export.html"));

        Assert.True(library.Succeeded);
        var group = Assert.Single(library.Value.Groups);
        Assert.Equal(("Mozilla Firefox", "Links that ship with Firefox"), (group.Name, group.Description));
        var byTitle = library.Value.Bookmarks.ToDictionary(b => b.Title!);
        Assert.Equal("Mozilla Firefox", byTitle["Get Help"].Group);
        Assert.Null(byTitle["Rust Programming Language"].Group);
        Assert.Null(byTitle["Été"].Group);
        Assert.Equal(["html", "Reference"], byTitle["HTML: HyperText Markup Language | MDN"].Tags);
        Assert.Equal("The reference for HTML & its elements <div>.", byTitle["HTML: HyperText Markup Language | MDN"].Notes);
        Assert.Equal("A language empowering everyone\nto build reliable software.", byTitle["Rust Programming Language"].Notes);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1690000330), byTitle["Rust Programming Language"].UpdatedAt);
        Assert.Equal("place:sort=8&maxResults=10", byTitle["Most Visited"].Url);
        Assert.Equal("https://example.org/%C3%A9t%C3%A9?q=a&b=c", byTitle["Été"].Url);
    }

    [Fact]
    public void Parse_WorksLinearly_OnDeeplyNestedUnnamedFoldersFollowedByLinks()
    {
        // The attack shape of issue 12: n nested unnamed lists, then n links inside the innermost one.
        static string Adversarial(int n) =>
            "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"
            + string.Concat(Enumerable.Repeat("<DL><p>", n))
            + string.Concat(Enumerable.Range(0, n).Select(i => $"<DT><A HREF=\"https://x.example/{i}\">x</A>\n"))
            + string.Concat(Enumerable.Repeat("</DL><p>", n));
        var small = Adversarial(5_000);
        var large = Adversarial(20_000);

        var (smallLibrary, smallSteps) = NetscapeBookmarkFile.ParseCountingSteps(small);
        var (largeLibrary, largeSteps) = NetscapeBookmarkFile.ParseCountingSteps(large);

        Assert.Equal(20_000, largeLibrary.Value!.Bookmarks.Count);
        Assert.All(largeLibrary.Value!.Bookmarks, b => Assert.Null(b.Group));
        Assert.Equal(5_000, smallLibrary.Value!.Bookmarks.Count);
        // Each character is read once, plus one step per bookmark to find its group: 4× the file, 4× the work.
        Assert.InRange(largeSteps, large.Length, large.Length + 20_000);
        Assert.InRange((double)largeSteps / smallSteps, 3.5, 4.5);
    }

    [Fact]
    public void Parse_PutsABookmarkInItsInnermostNamedFolder_ThroughUnnamedListsAndBrowserRoots()
    {
        const string file = """
            <!DOCTYPE NETSCAPE-Bookmark-file-1>
            <DL><p>
                <DT><H3>Outer</H3>
                <DL><p>
                    <DL><p>
                        <DT><A HREF="https://a.example/">in an unnamed list</A>
                    </DL><p>
                    <DT><H3 PERSONAL_TOOLBAR_FOLDER="true">Bar</H3>
                    <DL><p>
                        <DT><A HREF="https://b.example/">in a root inside Outer</A>
                        <DT><H3>Inner</H3>
                        <DL><p>
                            <DT><A HREF="https://c.example/">in Inner</A>
                        </DL><p>
                    </DL><p>
                    <DT><A HREF="https://d.example/">back in Outer</A>
                </DL><p>
                <DT><A HREF="https://e.example/">top level</A>
            </DL><p>
            """;

        var library = NetscapeBookmarkFile.Parse(file);

        Assert.Equal(["Outer", "Outer", "Inner", "Outer", null], library.Value!.Bookmarks.Select(b => b.Group));
    }

    [Theory]
    [InlineData("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n    <DT><A HREF=\"https://a.example/\">A\n    <DT><A HREF=\"https://b.example/\">B</A>\n</DL><p>\n", 3)]
    [InlineData("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n</DL><p>\n</DL><p>\n", 4)]
    [InlineData("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n    <DT><H3>Folder</H3>\n    <DL><p>\n</DL><p>\n", 2)]
    [InlineData("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n\n    <DT><A HREF=\"https://a.example/>A</A>\n</DL>\n", 4)]
    [InlineData("<html><body>not bookmarks</body></html>", 1)]
    public void Parse_ReturnsValidationFailedNamingLine_WhenMalformed(string file, int line)
    {
        var library = NetscapeBookmarkFile.Parse(file);

        Assert.False(library.Succeeded);
        Assert.Equal(400, library.Problem.Status);
        Assert.StartsWith($"Line {line}:", Assert.Single(library.Problem.Errors!["body"]));
    }

    [Fact]
    public async Task Write_EscapesHtmlAndParsesBackToSameContent()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);
        var group = new GroupEntity { Id = "01JD00000000000000000000G1", Name = "R&D <\"team\">", Description = "It's ours", CreatedAt = now, UpdatedAt = now };
        var bookmark = new BookmarkEntity
        {
            Id = "01JD00000000000000000000B1",
            Url = "https://example.com/?a=1&b=\"2\"",
            Title = "<script>alert('x')</script> & co",
            Notes = "line one\nline <two>",
            TagList = ["a&b", "c"],
            GroupId = group.Id,
            Favorite = true,
            CreatedAt = now,
            UpdatedAt = now,
        };

        var written = new MemoryStream();
        await NetscapeBookmarkFile.WriteAsync(
            written, [group], g => new[] { bookmark }.Where(b => b.GroupId == g.Id).ToAsyncEnumerable(), new[] { bookmark }.ToAsyncEnumerable(), CancellationToken.None);
        var file = System.Text.Encoding.UTF8.GetString(written.ToArray());
        var parsed = NetscapeBookmarkFile.Parse(file);

        Assert.DoesNotContain("<script>", file);
        Assert.StartsWith("<!DOCTYPE NETSCAPE-Bookmark-file-1>", file);
        Assert.True(parsed.Succeeded);
        Assert.Equal((group.Name, group.Description), (parsed.Value.Groups[0].Name, parsed.Value.Groups[0].Description));
        var read = Assert.Single(parsed.Value.Bookmarks);
        Assert.Equal((bookmark.Url, bookmark.Title, bookmark.Notes, group.Name, true, now), (read.Url, read.Title, read.Notes, read.Group, read.Favorite, read.CreatedAt));
        Assert.Equal(["a&b", "c"], read.Tags);
    }
}

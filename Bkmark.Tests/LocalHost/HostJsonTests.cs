using System.Text;
using Bkmark.LocalHost;

namespace Bkmark.Tests.LocalHost;

public sealed class HostJsonTests
{
    private static string Parse(string json) => HostJson.ParseRoutePrefix(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void ParseRoutePrefix_ReturnsApi_WhenSettingIsAbsent() =>
        Assert.Equal("api", Parse("""{ "version": "2.0" }"""));

    [Fact]
    public void ParseRoutePrefix_ReturnsTrimmedPrefix_WhenSettingIsPresent() =>
        Assert.Equal("bkmark/api", Parse("""{ "Extensions": { "HTTP": { "routePrefix": "/bkmark/api/" } } }"""));

    [Fact]
    public void ParseRoutePrefix_ReturnsEmpty_WhenSettingIsEmpty() =>
        Assert.Equal("", Parse("""{ "extensions": { "http": { "routePrefix": "" } } }"""));

    [Fact]
    public void ReadRoutePrefix_ReadsRepositoryHostJson_WhenCopiedToOutput() =>
        Assert.Equal("api", HostJson.ReadRoutePrefix(AppContext.BaseDirectory));
}

using Bkmark.LocalHost;
using Microsoft.Extensions.Configuration;

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

    [Fact]
    public void ReadQueueOptions_ReadsRepositoryHostJson_WhenNothingOverridesIt()
    {
        var options = HostJson.ReadQueueOptions(AppContext.BaseDirectory, new ConfigurationBuilder().Build());

        Assert.Equal(5, options.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxPollingInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), options.VisibilityTimeout);
        Assert.Equal("base64", options.MessageEncoding);
    }

    [Fact]
    public void ReadQueueOptions_AppliesAppSettingOverrides_AsTheFunctionsHostDoes()
    {
        var overrides = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "2",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:01",
        }).Build();

        var options = HostJson.ReadQueueOptions(AppContext.BaseDirectory, overrides);

        Assert.Equal(2, options.MaxDequeueCount);
        Assert.Equal(TimeSpan.FromSeconds(1), options.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.MaxPollingInterval);
    }

    [Fact]
    public void ReadQueueOptions_Throws_WhenMaxDequeueCountIsZero()
    {
        var overrides = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "0",
        }).Build();

        Assert.Throws<InvalidOperationException>(() => HostJson.ReadQueueOptions(AppContext.BaseDirectory, overrides));
    }
}

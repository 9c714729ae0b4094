namespace Bkmark.Tests.LocalHost;

public sealed class FunctionKeyTests(SampleHostFixture host) : IClassFixture<SampleHostFixture>
{
    private const string ProtectedPath = "api/samples/protected";

    // The host draws its keys at start-up, so the cases name them and the test looks them up.
    private const string FunctionKey = "(the function key)";
    private const string MasterKey = "(the master key)";
    private const string FunctionKeyPrefix = "(the function key less its last character)";

    [Fact]
    public async Task Get_Returns401WithEmptyBody_WhenKeyIsMissing()
    {
        // Act
        var response = await host.Client.GetAsync(ProtectedPath);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(FunctionKey, HttpStatusCode.OK)]
    [InlineData(MasterKey, HttpStatusCode.OK)] // The master key opens every function-level route, as in the real host.
    [InlineData("wrong-key", HttpStatusCode.Unauthorized)]
    [InlineData("", HttpStatusCode.Unauthorized)]
    public async Task Get_Returns200OnlyForTheFunctionOrMasterKey_InTheHeader(string key, HttpStatusCode expected)
    {
        // Arrange
        var request = new HttpRequestMessage(HttpMethod.Get, ProtectedPath);
        request.Headers.Add("x-functions-key", HostKey(key));

        // Act
        var response = await host.Client.SendAsync(request);

        // Assert
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData(FunctionKey, HttpStatusCode.OK)]
    [InlineData(FunctionKeyPrefix, HttpStatusCode.Unauthorized)]
    public async Task Get_Returns200OnlyForTheWholeKey_InTheCodeQuery(string key, HttpStatusCode expected)
    {
        // Act
        var response = await host.Client.GetAsync($"{ProtectedPath}?code={Uri.EscapeDataString(HostKey(key))}");

        // Assert
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Get_Returns200_WhenAnonymousRouteHasNoKey()
    {
        // Act
        var response = await host.Client.GetAsync("api/samples/items/open");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_Returns401_WhenNoKeyIsConfigured()
    {
        // Arrange: a host without LocalHost:FunctionKey; a client that sends the empty string or any key.
        var unconfigured = await SampleHostFixture.StartAsync(new Dictionary<string, string?> { ["LocalHost:FunctionKey"] = null });
        try
        {
            var withKey = new HttpRequestMessage(HttpMethod.Get, ProtectedPath);
            withKey.Headers.Add("x-functions-key", unconfigured.FunctionKey);

            // Act
            var keyed = await unconfigured.Client.SendAsync(withKey);
            var empty = await unconfigured.Client.GetAsync($"{ProtectedPath}?code=");

            // Assert
            Assert.Equal(HttpStatusCode.Unauthorized, keyed.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, empty.StatusCode);
        }
        finally
        {
            await unconfigured.DisposeAsync();
        }
    }

    private string HostKey(string key) => key switch
    {
        FunctionKey => host.FunctionKey,
        MasterKey => host.MasterKey,
        FunctionKeyPrefix => host.FunctionKey[..^1],
        _ => key,
    };
}

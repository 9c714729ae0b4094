namespace Bkmark.Tests.LocalHost;

public sealed class FunctionKeyTests(SampleHostFixture host) : IClassFixture<SampleHostFixture>
{
    private const string ProtectedPath = "api/samples/protected";

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
    [InlineData(false)]
    [InlineData(true)] // The master key opens every function-level route, as in the real host.
    public async Task Get_Returns200_WhenFunctionOrMasterKeyIsInHeader(bool masterKey)
    {
        // Arrange
        var request = new HttpRequestMessage(HttpMethod.Get, ProtectedPath);
        request.Headers.Add("x-functions-key", masterKey ? host.MasterKey : host.FunctionKey);

        // Act
        var response = await host.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_Returns200_WhenKeyIsInCodeQuery()
    {
        // Act
        var response = await host.Client.GetAsync($"{ProtectedPath}?code={Uri.EscapeDataString(host.FunctionKey)}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData("")]
    public async Task Get_Returns401_WhenHeaderKeyIsWrong(string key)
    {
        // Arrange
        var request = new HttpRequestMessage(HttpMethod.Get, ProtectedPath);
        request.Headers.Add("x-functions-key", key);

        // Act
        var response = await host.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_Returns401_WhenKeyIsAPrefixOfTheRealKey()
    {
        // Act
        var response = await host.Client.GetAsync($"{ProtectedPath}?code={host.FunctionKey[..^1]}");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
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
}

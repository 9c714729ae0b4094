using Bkmark.LocalHost;
using Microsoft.Extensions.Configuration;

namespace Bkmark.Tests.LocalHost;

/// <summary>The local host playing Azure's front end for the client address and scheme (DESIGN.md §2).</summary>
public sealed class FrontEndForwardingTests(SampleHostFixture host) : IClassFixture<SampleHostFixture>
{
    [Fact]
    public async Task Client_IsFirstUntrustedHopFromTheRight_WhenConnectionIsTrustedProxy()
    {
        // Arrange: loopback (the test's connection) and 10.0.0.0/8 are trusted by default.
        var request = Forwarded("203.0.113.9, 198.51.100.23, 10.0.0.1", "http, https, http");

        // Act
        var client = await ReadClientAsync(host, request);

        // Assert: 10.0.0.1 is a trusted proxy, so the hop it saw is the client; what that client claimed is not.
        Assert.Equal("198.51.100.23", client.GetProperty("address").GetString());
        Assert.Equal("https", client.GetProperty("scheme").GetString());
        Assert.Empty(client.GetProperty("forwardedHeaders").EnumerateArray());
    }

    [Fact]
    public async Task Client_IsConnection_AndForwardedHeadersAreDropped_WhenConnectionIsNotTrusted()
    {
        // Arrange: an empty list trusts nobody, so the loopback connection is the client itself.
        var untrusting = await SampleHostFixture.StartAsync(new Dictionary<string, string?> { [FrontEndForwarding.TrustedNetworksKey] = "" });
        try
        {
            var request = Forwarded("198.51.100.23", "https");
            request.Headers.Add("X-Forwarded-Host", "evil.example");

            // Act
            var client = await ReadClientAsync(untrusting, request);

            // Assert
            Assert.Equal("127.0.0.1", client.GetProperty("address").GetString());
            Assert.Equal("http", client.GetProperty("scheme").GetString());
            Assert.Empty(client.GetProperty("forwardedHeaders").EnumerateArray());
        }
        finally
        {
            await untrusting.DisposeAsync();
        }
    }

    [Fact]
    public async Task Client_IsConnection_WhenTrustedNetworksDoNotIncludeIt()
    {
        // Arrange: only 10.0.0.0/8 is trusted; the test connects from loopback.
        var narrow = await SampleHostFixture.StartAsync(new Dictionary<string, string?> { [FrontEndForwarding.TrustedNetworksKey] = "10.0.0.0/8" });
        try
        {
            // Act
            var client = await ReadClientAsync(narrow, Forwarded("198.51.100.23", "https"));

            // Assert
            Assert.Equal("127.0.0.1", client.GetProperty("address").GetString());
        }
        finally
        {
            await narrow.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(null, 6)]
    [InlineData("", 0)]
    [InlineData(" 10.1.0.0/16 , fd00::/8 ", 2)]
    public void ReadTrustedNetworks_ParsesCommaSeparatedCidrRanges(string? setting, int expectedCount)
    {
        // Arrange
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [FrontEndForwarding.TrustedNetworksKey] = setting })
            .Build();

        // Act
        var networks = FrontEndForwarding.ReadTrustedNetworks(configuration);

        // Assert
        Assert.Equal(expectedCount, networks.Count);
    }

    [Fact]
    public void ReadTrustedNetworks_RefusesStartUp_WhenRangeIsNotCidr()
    {
        // Arrange
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [FrontEndForwarding.TrustedNetworksKey] = "10.0.0.0/8, 10.0.0.300" })
            .Build();

        // Act
        var error = Assert.Throws<InvalidOperationException>(() => FrontEndForwarding.ReadTrustedNetworks(configuration));

        // Assert
        Assert.Contains("10.0.0.300", error.Message, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Forwarded(string forwardedFor, string forwardedProto)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/samples/client");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        return request;
    }

    private static async Task<JsonElement> ReadClientAsync(LocalHostFixture fixture, HttpRequestMessage request)
    {
        var response = await fixture.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}

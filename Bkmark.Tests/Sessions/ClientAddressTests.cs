using Bkmark.LocalHost;

namespace Bkmark.Tests.Sessions;

/// <summary>A client cannot choose the address its session shows (DESIGN.md §2).</summary>
public sealed class ClientAddressTests(ClientAddressTests.UntrustingHostFixture host) : IClassFixture<ClientAddressTests.UntrustingHostFixture>
{
    /// <summary>A local host that trusts no proxy, so the test's loopback connection is the client itself.</summary>
    public sealed class UntrustingHostFixture() : LocalHostFixture(new Dictionary<string, string?>
    {
        [FrontEndForwarding.TrustedNetworksKey] = "",
    });

    [Fact]
    public async Task Login_RecordsConnectionAddress_WhenUntrustedClientSendsForwardedFor()
    {
        // Arrange
        var (_, email) = await host.Client.RegisterAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/login")
        {
            Content = JsonContent.Create(new { email, password = ApiTestClient.Password }),
        };
        request.Headers.Add("X-Forwarded-For", "198.51.100.23");

        // Act
        var tokens = await (await host.Client.SendAsync(request)).ReadJsonAsync();
        var sessions = await (await host.Client.SendAsync(HttpMethod.Get, "api/v1/me/sessions", bearer: tokens.GetProperty("accessToken").GetString()))
            .ReadJsonAsync();

        // Assert
        var session = Assert.Single(sessions.GetProperty("data").EnumerateArray());
        Assert.Equal("127.0.0.1", session.GetProperty("ipAddress").GetString());
    }
}

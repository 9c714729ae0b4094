using System.Net.Sockets;

namespace Bkmark.Tests.Storage;

/// <summary>With storage unreachable, requests answer 503 STORAGE_UNAVAILABLE quickly, never 500.</summary>
public sealed class StorageOutageTests(StorageOutageTests.UnreachableStorageFixture host) : IClassFixture<StorageOutageTests.UnreachableStorageFixture>
{
    [Fact]
    public async Task Register_ReturnsStorageUnavailable_WhenStorageIsDown()
    {
        var response = await host.Client.PostAsJsonAsync("api/v1/auth/register", new { email = ApiTestClient.NewEmail(), password = ApiTestClient.Password });

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "STORAGE_UNAVAILABLE");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.DoesNotContain("127.0.0.1", problem.ToString());
        Assert.DoesNotContain("Exception", problem.ToString());
    }

    [Fact]
    public async Task Refresh_ReturnsStorageUnavailable_WhenStorageIsDown()
    {
        var response = await host.Client.PostAsJsonAsync("api/v1/auth/refresh", new { refreshToken = "bkr_" + new string('A', 43) });

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "STORAGE_UNAVAILABLE");
    }

    /// <summary>The local host pointed at a port nothing listens on.</summary>
    public sealed class UnreachableStorageFixture() : LocalHostFixture(new Dictionary<string, string?>
    {
        ["Storage:ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:{ClosedPort()}/devstoreaccount1;",
    })
    {
        private static int ClosedPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}

/// <summary>Tables wiped while the service runs (e.g. Azurite restarted without its data): 503, never a 500.</summary>
public sealed class MissingTableTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task FailedLogin_ReturnsStorageUnavailable_WhenThrottleTableIsGone()
    {
        var (_, email) = await host.Client.RegisterAsync();
        foreach (var table in host.Services.GetRequiredService<BkmarkTables>().EveryAccount(TableNames.Throttles))
        {
            await table.DeleteAsync();
        }

        var response = await host.Client.PostAsJsonAsync("api/v1/auth/login", new { email, password = "wrong password!" });

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "STORAGE_UNAVAILABLE");
    }
}

using Microsoft.Extensions.Time.Testing;

namespace Bkmark.Tests.LocalHost;

/// <summary>The fixture hosts the real Bkmark.Functions over HTTP with its test settings.</summary>
public sealed class LocalHostFixtureTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task Client_Gets404_WhenRouteDoesNotExist()
    {
        // Act
        var response = await host.Client.GetAsync("api/does-not-exist");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("127.0.0.1", host.BaseAddress.Host);
        Assert.NotEqual(7071, host.BaseAddress.Port);
    }

    [Fact]
    public void Services_ResolveFakeTime_WhenFixtureReplacesTimeProvider() =>
        Assert.Same(host.Time, Assert.IsType<FakeTimeProvider>(host.Services.GetRequiredService<TimeProvider>()));

    [Fact]
    public void TablePrefix_IsAValidTableNameStart()
    {
        Assert.Matches("^[a-z][a-z0-9]{8}$", host.TablePrefix);
    }
}

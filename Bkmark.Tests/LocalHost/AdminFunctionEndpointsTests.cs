namespace Bkmark.Tests.LocalHost;

public sealed class AdminFunctionEndpointsTests(SampleHostFixture host) : IClassFixture<SampleHostFixture>
{
    [Fact]
    public async Task Post_RunsTimerFunctionAndReturns202_WhenKeyIsGiven()
    {
        // Arrange
        int before = host.Probe.TimerRuns.Count;

        // Act: names are case-insensitive, as in the real host.
        var response = await host.RunFunctionAsync("samplesweep");

        // Assert: 202 comes after the run, so the run is visible now.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(before + 1, host.Probe.TimerRuns.Count);
    }

    [Fact]
    public async Task Post_Returns401AndDoesNotRun_WhenKeyIsMissing()
    {
        // Arrange
        int before = host.Probe.TimerRuns.Count;

        // Act
        var response = await host.Client.PostAsync($"admin/functions/{nameof(SampleFunctions.SampleSweep)}", content: null);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, host.Probe.TimerRuns.Count);
    }

    [Fact]
    public async Task Post_Returns401AndDoesNotRun_WhenOnlyFunctionKeyIsGiven()
    {
        // Arrange: the admin API needs the master key, as in the real host.
        int before = host.Probe.TimerRuns.Count;
        var request = new HttpRequestMessage(HttpMethod.Post, $"admin/functions/{nameof(SampleFunctions.SampleSweep)}");
        request.Headers.Add("x-functions-key", host.FunctionKey);

        // Act
        var response = await host.Client.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, host.Probe.TimerRuns.Count);
    }

    [Theory]
    [InlineData("NoSuchFunction")]
    [InlineData(nameof(SampleFunctions.GetSampleItem))]
    public async Task Post_Returns404Problem_WhenNoTimerFunctionHasTheName(string name)
    {
        // Act
        var response = await host.RunFunctionAsync(name);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("NOT_FOUND", problem.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Post_Returns500Problem_WhenTimerFunctionThrows()
    {
        // Act
        var response = await host.RunFunctionAsync(nameof(SampleFunctions.FailingSampleSweep));

        // Assert
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"INTERNAL_ERROR\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret", body, StringComparison.Ordinal);
    }
}

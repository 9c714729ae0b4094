namespace Bkmark.Tests.LocalHost;

public sealed class HttpFunctionEndpointsTests(SampleHostFixture host) : IClassFixture<SampleHostFixture>
{
    [Fact]
    public async Task Get_ReturnsFunctionResult_WhenRouteIsUnderApiPrefix()
    {
        // Act
        var response = await host.Client.GetAsync("api/samples/items/abc123?q=first");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("abc123", body.RootElement.GetProperty("id").GetString());
        Assert.Equal("first", body.RootElement.GetProperty("query").GetString());
    }

    [Theory]
    [InlineData("samples/items/abc123")] // The route without the api/ prefix.
    [InlineData("api/does-not-exist")] // No function has the route.
    [InlineData("api/samples/sum/forty/2")] // The route's int constraint refuses the value.
    public async Task Get_Returns404_WhenNoFunctionMatches(string path)
    {
        // Act
        var response = await host.Client.GetAsync(path);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Put_ReturnsEmpty404_WhenRouteExistsForOtherMethods()
    {
        // Act: the real host answers a known route with another method as an unknown route, not 405.
        var response = await host.Client.PutAsync("api/samples/items/abc123", new StringContent("{}", Encoding.UTF8, "application/json"));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.False(response.Content.Headers.Contains("Allow"));
    }

    [Fact]
    public async Task Post_ExecutesActionResult_WithStatusHeadersAndBody()
    {
        // Act: the route says {ID}, the parameter says id.
        var response = await host.Client.PostAsync("api/samples/items/xyz", content: null);

        // Assert
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/samples/items/xyz", response.Headers.Location?.OriginalString);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("xyz", body.GetProperty("id").GetString());
        Assert.True(body.GetProperty("created").GetBoolean());
    }

    [Fact]
    public async Task Delete_Returns200WithEmptyBody_WhenFunctionReturnsNoResult()
    {
        // Act
        var response = await host.Client.DeleteAsync("api/samples/items/xyz");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_ConvertsIntRouteValues_WhenStaticFunctionReturnsValueTask()
    {
        // Act
        var response = await host.Client.GetAsync("api/samples/sum/40/2");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(42, body.GetProperty("sum").GetInt32());
    }

    [Fact]
    public async Task Post_ExecutesIResult_WhenRouteIsFunctionName()
    {
        // Act
        var response = await host.Client.PostAsync("api/SampleEcho", new StringContent("hello", Encoding.UTF8, "text/plain"));

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("HELLO", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_ReturnsEmpty500_WhenExceptionEscapesFunction()
    {
        // Act
        var response = await host.Client.GetAsync("api/samples/throw");

        // Assert: as the real host answers, with nothing the function had set before it threw.
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.False(response.Headers.Contains("X-Set-Before-Throw"));
    }

    [Fact]
    public async Task Get_Returns500ProblemWithTraceIdOnly_WhenApiEndpointCatchesException()
    {
        // Act
        var response = await host.Client.GetAsync("api/samples/throw-behind-endpoint");

        // Assert
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        string body = await response.Content.ReadAsStringAsync();
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(500, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("INTERNAL_ERROR", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("Internal error", problem.RootElement.GetProperty("title").GetString());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("traceId").GetString()));
        Assert.Equal(4, problem.RootElement.EnumerateObject().Count());
        Assert.DoesNotContain("Secret", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ReturnsEmpty413_WhenBodyExceedsHostLimit()
    {
        // Arrange: the host's own setting, as in Azure; chunked, so no Content-Length warns anyone early.
        var limited = await SampleHostFixture.StartAsync(new Dictionary<string, string?> { ["FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"] = "1024" });
        try
        {
            var content = new StreamContent(new MemoryStream(new byte[4096]));
            var request = new HttpRequestMessage(HttpMethod.Post, "api/SampleEcho") { Content = content };
            request.Headers.TransferEncodingChunked = true;

            // Act
            var response = await limited.Client.SendAsync(request);
            var small = await limited.Client.PostAsync("api/SampleEcho", new StringContent("small"));

            // Assert
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(HttpStatusCode.Accepted, small.StatusCode);
        }
        finally
        {
            await limited.DisposeAsync();
        }
    }

    [Fact]
    public async Task Get_PassesRequestAbortedToken_WhenClientDisconnects()
    {
        // Arrange
        using var cancel = new CancellationTokenSource();
        var request = host.Client.GetAsync("api/samples/slow", cancel.Token);
        await host.Probe.SlowRequestStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Act
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        // Assert: the function saw its token cancelled, and it was the request's.
        bool wasRequestAborted = await host.Probe.CancellationObserved.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(wasRequestAborted);
    }
}

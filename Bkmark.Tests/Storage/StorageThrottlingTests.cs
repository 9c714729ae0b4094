using Azure;
using Azure.Core;
using Bkmark.Tests.SignIn;

namespace Bkmark.Tests.Storage;

/// <summary>
/// Cosmos DB for Table answers 429 when a partition's request units are spent (DESIGN §19): a request that meets it
/// answers 503 STORAGE_UNAVAILABLE with Retry-After, never a 500, and works again once storage does.
/// </summary>
public sealed class StorageThrottlingTests(SignInHostFixture host) : IClassFixture<SignInHostFixture>
{
    [Fact]
    public async Task Verify_ReturnsStorageUnavailableWithRetryAfter_WhenStorageThrottles_AndWorksAfter()
    {
        var user = await host.Client.SignUpAsync();
        host.StorageFaults.Status = 429;
        host.StorageFaults.FailWhen = (method, _) => method == "GET";

        try
        {
            using var throttled = await host.Client.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: user.AccessToken);

            await throttled.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "STORAGE_UNAVAILABLE");
            Assert.Equal(TimeSpan.FromSeconds(5), throttled.Headers.RetryAfter?.Delta);
        }
        finally
        {
            host.StorageFaults.FailWhen = null;
            host.StorageFaults.Status = 503;
        }

        using var recovered = await host.Client.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    [Fact]
    public void RetryAfterOf_ReadsCosmosMilliseconds_ThenRetryAfterSeconds_ElseNothing()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1500), StorageFailures.RetryAfterOf(Throttled(("x-ms-retry-after-ms", "1500"), ("Retry-After", "9"))));
        Assert.Equal(TimeSpan.FromSeconds(9), StorageFailures.RetryAfterOf(Throttled(("Retry-After", "9"))));
        Assert.Null(StorageFailures.RetryAfterOf(Throttled(("Retry-After", "soon"))));
        Assert.Null(StorageFailures.RetryAfterOf(new RequestFailedException(429, "no response")));
        Assert.True(StorageFailures.IsOutage(Throttled(), CancellationToken.None));
    }

    private static RequestFailedException Throttled(params (string Name, string Value)[] headers) => new(new ThrottledResponse(headers));

    /// <summary>A 429 as the SDK receives it from Cosmos DB, with the headers given.</summary>
    private sealed class ThrottledResponse((string Name, string Value)[] headers) : Response
    {
        public override int Status => 429;

        public override string ReasonPhrase => "Too Many Requests";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = "";

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => TryGetHeader(name, out _);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => headers.Select(header => new HttpHeader(header.Name, header.Value));

        protected override bool TryGetHeader(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            value = headers.Where(header => string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase)).Select(header => header.Value).FirstOrDefault();
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = TryGetHeader(name, out var value) ? [value] : null;
            return values is not null;
        }
    }
}

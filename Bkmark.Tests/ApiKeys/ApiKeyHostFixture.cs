using Azure.Core.Pipeline;
using Bkmark.Core.Accounts;
using Microsoft.Extensions.Logging;

namespace Bkmark.Tests.ApiKeys;

/// <summary>The local host with storage requests counted and logs captured, plus helpers to get a signed-in user on a plan.</summary>
public class ApiKeyHostFixture : LocalHostFixture
{
    public ApiKeyHostFixture()
    {
    }

    private ApiKeyHostFixture(IDictionary<string, string?> configuration)
        : base(configuration)
    {
    }

    public StorageRequestCounter StorageRequests { get; } = new();

    /// <summary>Another instance of the same deployment: a second host on <paramref name="other"/>'s tables, as Azure scales out. Not started.</summary>
    public static ApiKeyHostFixture SharingStorageWith(LocalHostFixture other) =>
        new(new Dictionary<string, string?> { ["Storage:TablePrefix"] = other?.TablePrefix ?? throw new ArgumentNullException(nameof(other)) });

    /// <summary>Storage requests are counted here: emails stay queued, so the email trigger's storage work is not counted.</summary>
    protected override bool RunsQueueTriggers => false;

    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<HttpPipelinePolicy>(StorageRequests);
        services.AddSingleton<ILoggerProvider>(Logs);
    }

    /// <summary>API keys need a paid plan, so accounts here start on Pro.</summary>
    protected override string DefaultPlan => Plans.Pro;

    /// <summary>Creates a key with <paramref name="credential"/> (an access token or a key) and returns the 201 body.</summary>
    public async Task<JsonElement> CreateKeyAsync(string credential, object? body = null)
    {
        var response = await SendAsync(HttpMethod.Post, "api/v1/api-keys", body ?? new { name = "test key", scopes = new[] { "bookmarks:read" } }, credential);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Rolls key <paramref name="id"/> with <paramref name="credential"/>; the previous value works <paramref name="expiresPreviousIn"/> seconds more.</summary>
    public Task<HttpResponseMessage> RollKeyAsync(string credential, string id, int expiresPreviousIn) =>
        SendAsync(HttpMethod.Post, $"api/v1/api-keys/{id}/roll", new { expiresPreviousIn }, credential);

    /// <summary>
    /// <c>GET /auth/verify</c> with <paramref name="key"/> as a client behind the proxies of <paramref name="forwardedFor"/>
    /// (an <c>X-Forwarded-For</c> value), and the browser <paramref name="userAgent"/>. The test client connects from
    /// loopback, which the local host trusts by default, so the header's first untrusted hop from the right is the client (DESIGN §2).
    /// </summary>
    public Task<HttpResponseMessage> VerifyFromAsync(string key, string? forwardedFor, string? userAgent = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/auth/verify");
        request.Headers.Authorization = new("Bearer", key);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        if (userAgent is not null)
        {
            request.Headers.UserAgent.ParseAdd(userAgent);
        }

        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> SendWithApiKeyHeaderAsync(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", key);
        return Client.SendAsync(request);
    }
}

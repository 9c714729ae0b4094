using System.Net.Http.Json;
using System.Text.Json;
using Azure.Core.Pipeline;
using Bkmark.Core.Accounts;
using Bkmark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bkmark.Tests.ApiKeys;

/// <summary>The local host with storage requests counted and logs captured, plus helpers to get a signed-in user on a plan.</summary>
public sealed class ApiKeyHostFixture : LocalHostFixture
{
    public StorageRequestCounter StorageRequests { get; } = new();

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

    public Task<HttpResponseMessage> SendWithApiKeyHeaderAsync(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", key);
        return Client.SendAsync(request);
    }
}

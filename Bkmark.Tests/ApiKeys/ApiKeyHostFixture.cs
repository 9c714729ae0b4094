using System.Net.Http.Json;
using System.Text.Json;
using Azure.Core.Pipeline;
using Bkmark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bkmark.Tests.ApiKeys;

/// <summary>The local host with storage requests counted and logs captured, plus helpers to get a signed-in user on a plan.</summary>
public sealed class ApiKeyHostFixture : LocalHostFixture
{
    public const string Password = "correct horse battery staple";

    public StorageRequestCounter StorageRequests { get; } = new();

    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<HttpPipelinePolicy>(StorageRequests);
        services.AddSingleton<ILoggerProvider>(Logs);
    }

    /// <summary>Registers a user, puts them on <paramref name="plan"/> through the operator endpoint, and signs them in.</summary>
    public async Task<SignedInUser> SignUpAsync(string plan = "pro")
    {
        var email = $"u{Guid.NewGuid():N}@example.com";
        var registered = await SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email, password = Password });
        registered.EnsureSuccessStatusCode();
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        if (plan != "free")
        {
            (await SetPlanAsync(id, plan)).EnsureSuccessStatusCode();
        }

        var login = await SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password = Password });
        login.EnsureSuccessStatusCode();
        var accessToken = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        return new SignedInUser(id, accessToken);
    }

    public Task<HttpResponseMessage> SetPlanAsync(string userId, string plan)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"api/v1/admin/users/{userId}/plan") { Content = JsonContent.Create(new { plan }) };
        request.Headers.Add("x-functions-key", FunctionKey);
        return Client.SendAsync(request);
    }

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

public sealed record SignedInUser(string Id, string AccessToken);

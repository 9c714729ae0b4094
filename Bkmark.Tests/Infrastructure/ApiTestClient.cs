using System.Net.Http.Headers;
using System.Security.Cryptography;
using Bkmark.Core.Accounts;
using Bkmark.Core.Lifecycle;

namespace Bkmark.Tests.Infrastructure;

/// <summary>The calls most integration tests start with: a fresh account, a signed-in session.</summary>
public static class ApiTestClient
{
    public const string Password = "correct horse battery staple";

    public static string NewEmail() => $"user-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}@example.com";

    /// <summary>Registers a new account and returns its id and email.</summary>
    public static async Task<(string Id, string Email)> RegisterAsync(this HttpClient client, string? email = null)
    {
        email ??= NewEmail();
        var response = await client.PostAsJsonAsync("api/v1/auth/register", new { email, password = Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        return (body.GetProperty("id").GetString()!, email);
    }

    /// <summary>Registers a new account and confirms its address (<see cref="VerifyEmailAsync"/>); returns its id and email.</summary>
    public static async Task<(string Id, string Email)> RegisterVerifiedAsync(this HttpClient client, string? email = null)
    {
        var (id, registered) = await client.RegisterAsync(email);
        await client.VerifyEmailAsync(id, registered);
        return (id, registered);
    }

    /// <summary>
    /// Confirms the account's address through <c>POST /auth/email/verify</c>, as following the emailed link does. The
    /// link is issued the way registration issues it, by the host this client talks to, instead of waiting for the
    /// registration email to reach MailDev: the same route and token, without the queue's polling delay.
    /// </summary>
    public static async Task VerifyEmailAsync(this HttpClient client, string userId, string email, string? userAgent = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var host = LocalHostFixture.Serving(client.BaseAddress!);
        var user = await host.Services.GetRequiredService<AccountService>().FindAsync(userId, CancellationToken.None);
        var token = await host.Services.GetRequiredService<LifecycleTokens>()
            .IssueAsync(LinkPurpose.VerifyEmail, LinkHolder.Of(user!), email, previousEmail: null, CancellationToken.None);
        using var response = await client.SendAsync(HttpMethod.Post, "api/v1/auth/email/verify", new { token }, userAgent: userAgent);
        Assert.True(response.IsSuccessStatusCode, $"Verifying {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Signs in with the password and returns the token response.</summary>
    public static async Task<JsonElement> LoginAsync(this HttpClient client, string email, string? twoFactorCode = null)
    {
        var response = await client.PostAsJsonAsync("api/v1/auth/login", new { email, password = Password, twoFactorCode });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>
    /// The one sign-up helper: registers a new account (on the free plan), confirms its address (DESIGN.md §14: an
    /// unverified account cannot be armed, and most tests go on to add keys or factors) and signs it in.
    /// </summary>
    public static async Task<SignedInUser> SignUpAsync(this HttpClient client, string? email = null)
    {
        var (id, registered) = await client.RegisterVerifiedAsync(email);
        var tokens = await client.LoginAsync(registered);
        return new SignedInUser(id, tokens.GetProperty("accessToken").GetString()!, tokens) { Email = registered };
    }

    /// <summary>
    /// The one way tests send an API request: <paramref name="json"/> becomes a JSON body,
    /// <paramref name="bearer"/> an <c>Authorization: Bearer</c> header, <paramref name="userAgent"/> the
    /// browser the security log and its emails name.
    /// </summary>
    public static Task<HttpResponseMessage> SendAsync(
        this HttpClient client, HttpMethod method, string path, object? json = null, string? bearer = null, string? userAgent = null,
        CancellationToken cancellationToken = default)
    {
        // A token passed where the body goes compiles (both are objects) and then tests the wrong thing.
        if (json is string)
        {
            throw new ArgumentException("A JSON body is an object, not a string; pass a token as bearer:.", nameof(json));
        }

        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = JsonContent.Create(json, json.GetType());
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (userAgent is not null)
        {
            request.Headers.UserAgent.ParseAdd(userAgent);
        }

        return client.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Sends as <see cref="SendAsync"/> does and returns the JSON body, asserting the answer is <paramref name="expected"/>
    /// (a failure shows the body, which names the problem).
    /// </summary>
    public static async Task<JsonElement> SendForJsonAsync(
        this HttpClient client, HttpMethod method, string path, object? json = null, string? bearer = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.SendAsync(method, path, json, bearer);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem+json response with the status and code.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        return body;
    }

    /// <summary>Asserts a 400 <c>VALIDATION_FAILED</c> problem whose <c>errors</c> name each of <paramref name="fields"/>.</summary>
    public static async Task<JsonElement> AssertValidationFailedAsync(this HttpResponseMessage response, params string[] fields)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        foreach (var field in fields)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        }

        return problem;
    }
}

/// <summary>A registered, signed-in account: its id, access token, the whole token response and its email.</summary>
public sealed record SignedInUser(string Id, string AccessToken, JsonElement Tokens)
{
    public required string Email { get; init; }
}

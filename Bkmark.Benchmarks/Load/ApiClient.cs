using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bkmark.Benchmarks.Load;

/// <summary>One HTTP exchange as the load clients record it.</summary>
public sealed record ApiResponse(int Status, string Body, TimeSpan Elapsed, HttpResponseHeaders Headers)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The problem's <c>code</c>, or null for a body that is not a problem.</summary>
    public string? ProblemCode =>
        Status >= 400 && Body.StartsWith('{') && Json.TryGetProperty("code", out var code) ? code.GetString() : null;

    public string Describe() => ProblemCode is { } code ? $"{Status} {code}" : Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A small client of the Bkmark API for the soak and the fault run: just the calls they make.</summary>
/// <param name="mailInbox">MailDev's web address: a new account confirms its address from the emailed link before it may create keys.</param>
public sealed partial class ApiClient(HttpClient http, string functionKey, Uri mailInbox)
{
    /// <summary>One random password per run: zxcvbn refuses a guessable one (DESIGN §17).</summary>
    public static readonly string Password = "bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public static HttpClient CreateHttpClient(string baseUrl) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
    {
        BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/api/v1/"),
        // Longer than any storage timeout: a hang shows up as a long latency, not as a client error.
        Timeout = TimeSpan.FromSeconds(60),
    };

    public Task<ApiResponse> SendAsync(HttpMethod method, string path, string? bearer = null, object? body = null, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return SendAsync(request, cancellationToken);
    }

    public async Task<ApiResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        using (request)
        using (var response = await http.SendAsync(request, cancellationToken))
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new ApiResponse((int)response.StatusCode, body, Stopwatch.GetElapsedTime(started), response.Headers);
        }
    }

    /// <summary>
    /// Registers a user, confirms its address with the link the verification email carries, puts it on
    /// <paramref name="plan"/> with the function key, and returns its id.
    /// </summary>
    public async Task<string> CreateUserAsync(string email, string plan, CancellationToken cancellationToken)
    {
        var registered = Expect(await SendAsync(HttpMethod.Post, "auth/register", body: new { email, password = Password }, cancellationToken: cancellationToken), 201, "register");
        var userId = registered.Json.GetProperty("id").GetString()!;
        var token = await WaitForVerificationTokenAsync(email, cancellationToken);
        Expect(await SendAsync(HttpMethod.Post, "auth/email/verify", body: new { token }, cancellationToken: cancellationToken), 200, "confirm the address");
        var request = new HttpRequestMessage(HttpMethod.Put, $"admin/users/{userId}/plan") { Content = JsonContent.Create(new { plan }) };
        request.Headers.Add("x-functions-key", functionKey);
        Expect(await SendAsync(request, cancellationToken), 200, "set plan");
        return userId;
    }

    public Task<ApiResponse> LoginAsync(string email, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "auth/login", body: new { email, password = Password }, cancellationToken: cancellationToken);

    public Task<ApiResponse> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "auth/refresh", body: new { refreshToken }, cancellationToken: cancellationToken);

    public Task<ApiResponse> CreateKeyAsync(string bearer, string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "api-keys", bearer, new { name, scopes = new[] { "bookmarks:read" } }, cancellationToken);

    public Task<ApiResponse> RevokeKeyAsync(string bearer, string keyId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"api-keys/{keyId}", bearer, cancellationToken: cancellationToken);

    public Task<ApiResponse> ListKeysAsync(string bearer, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "api-keys", bearer, cancellationToken: cancellationToken);

    public Task<ApiResponse> VerifyAsync(string credential, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, "auth/verify", credential, cancellationToken: cancellationToken);

    /// <summary>The token in the newest email MailDev holds for <paramref name="email"/>; waits up to a minute for it to arrive.</summary>
    private async Task<string> WaitForVerificationTokenAsync(string email, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            while (true)
            {
                using var inbox = JsonDocument.Parse(await http.GetStringAsync(new Uri(mailInbox, "/api/email"), deadline.Token));
                var text = inbox.RootElement.EnumerateArray()
                    .Where(mail => mail.GetProperty("to").EnumerateArray().Any(to => to.GetProperty("address").GetString() == email))
                    .Select(mail => mail.GetProperty("text").GetString())
                    .LastOrDefault();
                if (text is not null && TokenInLink().Match(text) is { Success: true } match)
                {
                    return Uri.UnescapeDataString(match.Groups[1].Value);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"No verification email reached {email} in {mailInbox} within a minute.");
        }
    }

    [GeneratedRegex("""[?#&]token=([^&#\s"'<>]+)""")]
    private static partial Regex TokenInLink();

    /// <summary>Setup steps must work; anything else stops the run with what the service answered.</summary>
    public static ApiResponse Expect(ApiResponse response, int status, string what) =>
        response.Status == status
            ? response
            : throw new InvalidOperationException($"{what}: expected {status}, got {response.Status}: {response.Body}");
}

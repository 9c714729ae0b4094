using System.Net.Http.Headers;
using Bkmark.Core.Maintenance;
using Bkmark.Core.TwoFactor;
using Bkmark.Tests.ApiKeys;
using Bkmark.Tests.Maintenance;
using OtpNet;
using Xunit.Abstractions;

namespace Bkmark.Tests.Scale;

/// <summary>
/// The storage transactions each operation costs, counted over HTTP through the local host against
/// Azurite: the table docs/scale.md quotes. A change that makes an operation dearer fails here, and
/// the doc's ceilings must be recomputed.
/// </summary>
public sealed class OperationCostTests(ApiKeyHostFixture host, ITestOutputHelper output) : IClassFixture<ApiKeyHostFixture>
{
    private const int ImportedBookmarks = 1_000;
    private const string PageOrigin = "https://blog.example";
    // Enough that every one of the 16 shards holds some (a fair hash leaves one empty about once in a
    // million runs), so the removal transactions are always one per shard.
    private const int ExpiredSignIns = 256;

    [Fact]
    public async Task EachOperation_CostsTheStorageTransactionsDocsScaleMdQuotes()
    {
        var costs = new List<string>();
        var (userId, email) = await host.Client.RegisterVerifiedAsync();
        (await host.SetPlanAsync(userId, "pro")).EnsureSuccessStatusCode();
        await host.Client.LoginAsync(email);

        // No device token: a device the account has not seen, so its owner is emailed (one queue message).
        var tokens = await MeasureAsync(costs, "sign-in, password, new device", () => host.Client.LoginAsync(email));
        var access = tokens.GetProperty("accessToken").GetString()!;
        await MeasureAsync(costs, "sign-in, password, known device", () => SendOkAsync(HttpMethod.Post, "api/v1/auth/login", null,
            new { email, password = ApiTestClient.Password, deviceToken = tokens.GetProperty("deviceToken").GetString() }));
        await MeasureAsync(costs, "sign-in, password + TOTP", () => SignInWithTwoFactorAsync());
        var refreshed = await MeasureAsync(costs, "refresh", async () =>
            await SendOkAsync(HttpMethod.Post, "api/v1/auth/refresh", null, new { refreshToken = tokens.GetProperty("refreshToken").GetString() }));
        access = refreshed.GetProperty("accessToken").GetString()!;
        await MeasureAsync(costs, "verify, JWT", () => SendOkAsync(HttpMethod.Get, "api/v1/auth/verify", access));
        var created = await MeasureAsync(costs, "API key create", () =>
            SendOkAsync(HttpMethod.Post, "api/v1/api-keys", access, new { name = "cost", scopes = new[] { "bookmarks:read" } }));
        var key = created.GetProperty("key").GetString()!;
        await MeasureAsync(costs, "verify, API key, first use of the day", () => SendOkAsync(HttpMethod.Get, "api/v1/auth/verify", key));
        await MeasureAsync(costs, "verify, API key", () => SendOkAsync(HttpMethod.Get, "api/v1/auth/verify", key));
        var rolled = await MeasureAsync(costs, "API key roll", () =>
            SendOkAsync(HttpMethod.Post, $"api/v1/api-keys/{created.GetProperty("id").GetString()}/roll", access, new { expiresPreviousIn = 3600 }));
        await MeasureAsync(costs, "verify, API key, rolled value", () => SendOkAsync(HttpMethod.Get, "api/v1/auth/verify", rolled.GetProperty("key").GetString()));
        await MeasureAsync(costs, "verify, API key, previous value in its grace", () => SendOkAsync(HttpMethod.Get, "api/v1/auth/verify", key));
        // The test client connects from loopback with no X-Forwarded-For, so that is its §2 client address.
        await SendOkAsync(HttpMethod.Patch, $"api/v1/api-keys/{created.GetProperty("id").GetString()}", access, new { allowedIps = new[] { "127.0.0.0/8", "::1" } });
        await MeasureAsync(costs, "verify, API key with allowedIps", () => SendOkAsync(HttpMethod.Get, "api/v1/auth/verify", key));
        var testKey = (await SendOkAsync(HttpMethod.Post, "api/v1/api-keys", access, new { name = "cost", scopes = new[] { "bookmarks:read" }, environment = "test" }))
            .GetProperty("key").GetString()!;
        await MeasureAsync(costs, "verify, test key, first use of the day", () => SendOkAsync(HttpMethod.Get, "api/v1/auth/verify", testKey));
        await MeasureAsync(costs, "verify, test key", () => SendOkAsync(HttpMethod.Get, "api/v1/auth/verify", testKey));
        var groupId = (await SendOkAsync(HttpMethod.Post, "api/v1/groups", access, new { name = "cost" })).GetProperty("id").GetString()!;
        await SendOkAsync(HttpMethod.Patch, $"api/v1/groups/{groupId}", access, new { @public = true });
        var publishable = await MeasureAsync(costs, "publishable key create", () =>
            SendOkAsync(HttpMethod.Post, "api/v1/publishable-keys", access, new { name = "cost", groupIds = new[] { groupId }, allowedOrigins = new[] { PageOrigin } }));
        // Everything this account added is recent: the review reads each room's list and the log's matching events.
        await MeasureAsync(costs, "security review, 2 API keys and 1 publishable key added", () => SendOkAsync(HttpMethod.Get, "api/v1/me/security-review", access));
        var publicGroup = $"api/v1/public/{publishable.GetProperty("key").GetString()}/groups/{groupId}";
        await MeasureAsync(costs, "preflight, publishable key", () => FromPageOkAsync(HttpMethod.Options, publicGroup));
        await MeasureAsync(costs, "public group read, publishable key, first use of the day", () => FromPageOkAsync(HttpMethod.Get, publicGroup));
        await MeasureAsync(costs, "public group read, publishable key", () => FromPageOkAsync(HttpMethod.Get, publicGroup));
        await MeasureAsync(costs, $"import of {ImportedBookmarks:N0} bookmarks (Netscape HTML)", () => ImportAsync(access));
        await MeasureOrganisationAsync(costs);

        var table = string.Join('\n', costs);
        output.WriteLine("| operation | requests | point reads | queries | writes | of which batches |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        output.WriteLine(table);
        Assert.Equal(
            """
            | sign-in, password, new device | 12 | 4 | 0 | 8 | 1 |
            | sign-in, password, known device | 11 | 4 | 0 | 7 | 1 |
            | sign-in, password + TOTP | 18 | 6 | 0 | 12 | 1 |
            | refresh | 6 | 2 | 0 | 4 | 0 |
            | verify, JWT | 1 | 1 | 0 | 0 | 0 |
            | API key create | 10 | 4 | 0 | 6 | 0 |
            | verify, API key, first use of the day | 4 | 1 | 0 | 3 | 0 |
            | verify, API key | 1 | 1 | 0 | 0 | 0 |
            | API key roll | 11 | 4 | 0 | 7 | 0 |
            | verify, API key, rolled value | 1 | 1 | 0 | 0 | 0 |
            | verify, API key, previous value in its grace | 1 | 1 | 0 | 0 | 0 |
            | verify, API key with allowedIps | 1 | 1 | 0 | 0 | 0 |
            | verify, test key, first use of the day | 4 | 1 | 0 | 3 | 0 |
            | verify, test key | 1 | 1 | 0 | 0 | 0 |
            | publishable key create | 6 | 3 | 0 | 3 | 0 |
            | security review, 2 API keys and 1 publishable key added | 9 | 3 | 6 | 0 | 0 |
            | preflight, publishable key | 1 | 1 | 0 | 0 | 0 |
            | public group read, publishable key, first use of the day | 5 | 2 | 1 | 2 | 0 |
            | public group read, publishable key | 3 | 2 | 1 | 0 | 0 |
            | import of 1,000 bookmarks (Netscape HTML) | 37 | 2 | 3 | 32 | 31 |
            | bookmark read, session | 2 | 2 | 0 | 0 | 0 |
            | bookmark read, organisation library, session | 3 | 3 | 0 | 0 | 0 |
            | organisation API key create | 14 | 7 | 0 | 7 | 0 |
            | bookmark read, organisation API key | 2 | 2 | 0 | 0 | 0 |
            """,
            table);
    }

    [Fact]
    public async Task SweepOfExpiredSignIns_CostsTheStorageTransactionsDocsScaleMdQuotes()
    {
        // One handler at a time, so the count of "already gone" answers is the same in every run.
        await using var core = await CoreServices.StartAsync(new Dictionary<string, string?> { ["Sweep:Parallelism"] = "1" });
        await Parallel.ForEachAsync(Enumerable.Range(0, ExpiredSignIns), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) => await core.SignInAsync());

        core.Time.Advance(TimeSpan.FromDays(7) + SweepTestData.BucketClosed);
        core.StorageRequests.Clear();
        var report = await core.Get<ExpirySweeper>().RunAsync(CancellationToken.None);
        var line = Line($"sweep of {ExpiredSignIns} expired sign-ins ({report.Entries} index entries)", core.StorageRequests.Requests);

        // Per sign-in: its refresh token read and deleted, its session read and deleted with its current token
        // (already gone: one request all the same). Once: checkpoint read and write, one query page, and one
        // transaction per shard removing the entries.
        output.WriteLine(line);
        Assert.Equal("| sweep of 256 expired sign-ins (512 index entries) | 1300 | 513 | 2 | 785 | 16 |", line);
    }

    /// <summary>
    /// A member's session on an organisation's library costs one more point read than on their own (their member
    /// row); an organisation's key costs what any key does (its credential names the organisation).
    /// </summary>
    private async Task MeasureOrganisationAsync(List<string> costs)
    {
        var (userId, email) = await host.Client.RegisterVerifiedAsync();
        (await host.SetPlanAsync(userId, "team")).EnsureSuccessStatusCode();
        var access = (await host.Client.LoginAsync(email)).GetProperty("accessToken").GetString()!;
        var orgId = (await SendOkAsync(HttpMethod.Post, "api/v1/orgs", access, new { name = "cost" })).GetProperty("id").GetString()!;
        var own = (await SendOkAsync(HttpMethod.Post, "api/v1/bookmarks", access, new { url = "https://example.com/own" })).GetProperty("id").GetString()!;
        var shared = (await SendOkAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/bookmarks", access, new { url = "https://example.com/shared" })).GetProperty("id").GetString()!;

        await MeasureAsync(costs, "bookmark read, session", () => SendOkAsync(HttpMethod.Get, $"api/v1/bookmarks/{own}", access));
        await MeasureAsync(costs, "bookmark read, organisation library, session", () => SendOkAsync(HttpMethod.Get, $"api/v1/orgs/{orgId}/bookmarks/{shared}", access));
        var created = await MeasureAsync(costs, "organisation API key create", () =>
            SendOkAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/api-keys", access, new { name = "cost", scopes = new[] { "bookmarks:read" } }));
        var key = created.GetProperty("key").GetString()!;
        await SendOkAsync(HttpMethod.Get, "api/v1/auth/verify", key);
        await MeasureAsync(costs, "bookmark read, organisation API key", () => SendOkAsync(HttpMethod.Get, $"api/v1/orgs/{orgId}/bookmarks/{shared}", key));
    }

    private async Task<JsonElement> MeasureAsync(List<string> costs, string operation, Func<Task<JsonElement>> send)
    {
        host.StorageRequests.Clear();
        var body = await send();
        costs.Add(Line(operation, host.StorageRequests.Requests));
        return body;
    }

    private static string Line(string operation, IReadOnlyList<StorageRequest> requests) =>
        $"| {operation} | {requests.Count} | {requests.Count(r => r.IsPointRead)} | {requests.Count(r => r.IsQuery)} | {requests.Count(r => r.IsWrite)} | {requests.Count(r => r.IsBatch)} |";

    /// <summary>A second account with two-factor on; only its sign-in is measured (the enrolment is not).</summary>
    private async Task<JsonElement> SignInWithTwoFactorAsync()
    {
        var (_, email) = await host.Client.RegisterVerifiedAsync();
        var access = (await host.Client.LoginAsync(email)).GetProperty("accessToken").GetString()!;
        var secret = (await SendOkAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", access)).GetProperty("secret").GetString()!;
        await SendOkAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", access, new { code = CodeNow(secret) });
        // The next step's code: the enabling one may not be accepted twice (RFC 6238 §5.2).
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var code = CodeNow(secret);

        host.StorageRequests.Clear();
        return await host.Client.LoginAsync(email, code);
    }

    private string CodeNow(string secret) => TotpCalculator.Default.Compute(Base32Encoding.ToBytes(secret), host.Time.GetUtcNow());

    private async Task<JsonElement> ImportAsync(string access)
    {
        var file = new StringBuilder("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n");
        for (var i = 0; i < ImportedBookmarks; i++)
        {
            file.Append(System.Globalization.CultureInfo.InvariantCulture, $"<DT><A HREF=\"https://example.com/{i}\" ADD_DATE=\"1700000000\">Bookmark {i}</A>\n");
        }

        file.Append("</DL><p>\n");
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/import") { Content = new StringContent(file.ToString(), Encoding.UTF8, "text/html") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.ReadJsonAsync();
        Assert.Equal(ImportedBookmarks, report.GetProperty("imported").GetInt32());
        return report;
    }

    /// <summary>A public read as a page on <see cref="PageOrigin"/> sends it; a preflight answers no body, so it reads as an empty object.</summary>
    private async Task<JsonElement> FromPageOkAsync(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Origin", PageOrigin);
        var response = await host.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode == HttpStatusCode.NoContent ? JsonDocument.Parse("{}").RootElement : await response.ReadJsonAsync();
    }

    private async Task<JsonElement> SendOkAsync(HttpMethod method, string path, string? bearer, object? json = null)
    {
        var response = await host.Client.SendAsync(method, path, json, bearer);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }
}

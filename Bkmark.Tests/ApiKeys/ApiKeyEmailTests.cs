using System.Security.Cryptography;
using Bkmark.Tests.Maintenance;

namespace Bkmark.Tests.ApiKeys;

/// <summary>
/// The API-key emails end to end (DESIGN §10): a leak report revokes and emails the owner; expiry warnings arrive
/// 7 days and 1 day ahead, once each. Through the local host, Azurite's queue, MailKit and a real MailDev.
/// </summary>
public sealed class ApiKeyEmailTests(ApiKeyEmailHostFixture host) : IClassFixture<ApiKeyEmailHostFixture>
{
    private const string LeakUrl = "https://github.com/octo-org/octo-repo/blob/main/deploy.sh";

    [Fact]
    public async Task LeakReport_RevokesALiveKey_EmailsItsOwnerWhereItWasFound_AndRecordsApiKeyLeaked()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken, new { name = "deploy script", scopes = new[] { "bookmarks:read" } });
        var key = created.GetProperty("key").GetString()!;

        var response = await ReportAsync(new[] { new { token = key, type = "bkmark_api_key", url = LeakUrl, source = "content" } });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($$"""[{"token_hash":"{{Sha256(key)}}","token_type":"bkmark_api_key","label":"true_positive"}]""", body);
        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
        var email = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject.Contains("found in public", StringComparison.Ordinal));
        Assert.Contains("deploy script", email.Subject, StringComparison.Ordinal);
        Assert.Contains(LeakUrl, email.Text, StringComparison.Ordinal);
        Assert.Contains(created.GetProperty("keyPrefix").GetString()!, email.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(key, email.Text, StringComparison.Ordinal);
        var events = await (await host.SendAsync(HttpMethod.Get, "api/v1/me/security-events", bearer: user.AccessToken)).ReadJsonAsync();
        var leaked = events.GetProperty("data").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "apikey.leaked");
        Assert.Equal(LeakUrl, leaked.GetProperty("details").GetProperty("url").GetString());
        Assert.DoesNotContain(key, events.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LeakReport_AnswersFalsePositiveAndNothingElse_ForUnknownRevokedAndMalformedTokens()
    {
        var user = await host.SignUpAsync();
        var revoked = await host.CreateKeyAsync(user.AccessToken);
        (await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{revoked.GetProperty("id").GetString()}", bearer: user.AccessToken)).EnsureSuccessStatusCode();
        var tokens = new[] { revoked.GetProperty("key").GetString()!, "bk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), "not-a-key" };

        var response = await ReportAsync(tokens.Select(token => new { token, type = "bkmark_api_key", url = LeakUrl, source = "content" }).ToArray());
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            "[" + string.Join(',', tokens.Select(token => $$"""{"token_hash":"{{Sha256(token)}}","token_type":"bkmark_api_key","label":"false_positive"}""")) + "]",
            body);
        var events = await (await host.SendAsync(HttpMethod.Get, "api/v1/me/security-events", bearer: user.AccessToken)).ReadJsonAsync();
        Assert.DoesNotContain(events.GetProperty("data").EnumerateArray(), e => e.GetProperty("type").GetString() == "apikey.leaked");
    }

    [Fact]
    public async Task LeakReport_OfARolledValueInItsGrace_RevokesTheWholeKey()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var rolled = await (await host.RollKeyAsync(user.AccessToken, created.GetProperty("id").GetString()!, 3600)).ReadJsonAsync();

        var body = await (await ReportAsync(new[] { new { token = created.GetProperty("key").GetString(), type = "bkmark_api_key", url = LeakUrl, source = "content" } })).ReadJsonAsync();

        Assert.Equal("true_positive", body[0].GetProperty("label").GetString());
        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: rolled.GetProperty("key").GetString())).AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
    }

    [Fact]
    public async Task LeakReport_Returns401_WithoutTheFunctionKey_AndRevokesNothing()
    {
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;

        var response = await host.Client.PostAsJsonAsync("api/v1/api-keys/leaked", new[] { new { token = key } });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).StatusCode);
    }

    [Fact]
    public async Task Sweep_SendsTheWeekAndDayExpiryWarningsOnceEach_EvenWhenItRunsTwiceAtOnceAndAgain()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken, new { name = "nightly export", scopes = new[] { "export" }, expiresAt = host.Time.GetUtcNow().AddDays(10) });
        var id = created.GetProperty("id").GetString()!;

        host.Time.Advance(TimeSpan.FromDays(3) + SweepTestData.BucketClosed);
        await SweepTwiceAtOnceThenAgainAsync();
        var week = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject.Contains("expires in 7 days", StringComparison.Ordinal));
        host.Time.Advance(TimeSpan.FromDays(6));
        await SweepTwiceAtOnceThenAgainAsync();
        var day = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject.Contains("expires tomorrow", StringComparison.Ordinal));

        Assert.Contains("nightly export", week.Subject, StringComparison.Ordinal);
        Assert.Contains("nightly export", day.Subject, StringComparison.Ordinal);
        Assert.Equal(2, (await MailDevInbox.ListAsync(user.Email)).Count(e => e.Subject.Contains("nightly export", StringComparison.Ordinal)));
        // Once each by the handler's own mark, not by the sender dropping a second copy with the same id ([7502]).
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains("[7502]", StringComparison.Ordinal) && line.Contains(id, StringComparison.Ordinal));
    }

    private async Task SweepTwiceAtOnceThenAgainAsync()
    {
        var runs = await Task.WhenAll(host.RunFunctionAsync("SweepExpired"), host.RunFunctionAsync("SweepExpired"));
        Assert.All(runs, run => Assert.True(run.IsSuccessStatusCode));
        Assert.True((await host.RunFunctionAsync("SweepExpired")).IsSuccessStatusCode);
    }

    private Task<HttpResponseMessage> ReportAsync(object reports)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/api-keys/leaked") { Content = JsonContent.Create(reports) };
        request.Headers.Add("x-functions-key", host.FunctionKey);
        return host.Client.SendAsync(request);
    }

    private static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

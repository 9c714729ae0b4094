using Bkmark.Core.Accounts;

namespace Bkmark.Tests.Operator;

/// <summary>The local host with accounts on Pro (so they hold API keys) and email sent to MailDev, for the operator routes.</summary>
public sealed class OperatorHostFixture : LocalHostFixture
{
    protected override string DefaultPlan => Plans.Pro;

    /// <summary>A live key of <paramref name="user"/>'s, made with their session.</summary>
    public async Task<string> CreateKeyAsync(SignedInUser user)
    {
        var created = await SendForJsonAsync(
            HttpMethod.Post, "api/v1/api-keys", new { name = "script", scopes = new[] { "bookmarks:read" } }, user.AccessToken, HttpStatusCode.Created);
        return created.GetProperty("key").GetString()!;
    }

    /// <summary>An operator route's JSON answer, asserting its status.</summary>
    public async Task<JsonElement> OperateAsync(HttpMethod method, string path, object? json = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await SendAsOperatorAsync(method, path, json);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    /// <summary>The event types of the person's own security log, newest first, as they read it with their session.</summary>
    public async Task<IReadOnlyList<string>> OwnLogAsync(string accessToken) =>
        [.. (await GetJsonAsync(accessToken, "api/v1/me/security-events?limit=100")).GetProperty("data").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()!)];

    /// <summary>Waits for the notice with <paramref name="subject"/> to arrive in <paramref name="email"/>'s inbox, and returns its text.</summary>
    public static async Task<string> WaitForNoticeAsync(string email, string subject) =>
        (await MailDevInbox.WaitForEmailAsync(email, e => e.Subject == subject)).Text;
}

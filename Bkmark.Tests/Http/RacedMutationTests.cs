using Bkmark.Core.TwoFactor;
using Bkmark.Tests.Bookmarks;
using Bkmark.Tests.Passkeys;
using OtpNet;

namespace Bkmark.Tests.Http;

/// <summary>
/// A lost race is a result (DESIGN.md §7): twenty identical requests sent at once to each mutation route, over
/// HTTP through the local host against Azurite. None answers 5xx; each answers a success or a documented 4xx
/// (409 <c>CONFLICT</c> for a lost race); single-use things succeed once; what is stored afterwards is consistent.
/// </summary>
public sealed class RacedMutationTests(PasskeyHostFixture host) : IClassFixture<PasskeyHostFixture>, IDisposable
{
    private readonly TestAuthenticator authenticator = new();

    public void Dispose() => authenticator.Dispose();

    [Fact]
    public async Task RevokeSession_EndsTheSession_WhenRacedWithItself()
    {
        var user = await SignUpAsync();
        var other = await host.Client.LoginAsync(user.Email);

        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Delete, $"api/v1/me/sessions/{other.GetProperty("sessionId").GetString()}", bearer: user.Token));

        answers.AssertEachSucceededOr(ErrorCodes.NotFound, ErrorCodes.Conflict);
        Assert.Contains(answers, answer => answer.Succeeded);
        await (await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: other.GetProperty("accessToken").GetString())).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
    }

    [Fact]
    public async Task RevokeOtherSessions_LeavesOnlyTheCurrentSession_WhenRacedWithItself()
    {
        var user = await SignUpAsync();
        for (var i = 0; i < 3; i++)
        {
            await host.Client.LoginAsync(user.Email);
        }

        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/me/sessions/revoke-others", bearer: user.Token));

        answers.AssertEachSucceededOr(ErrorCodes.Conflict);
        Assert.Contains(answers, answer => answer.Succeeded);
        var sessions = (await host.GetJsonAsync(user.Token, "api/v1/me/sessions")).GetProperty("data").EnumerateArray().ToList();
        Assert.True(Assert.Single(sessions).GetProperty("current").GetBoolean());
    }

    [Fact]
    public async Task Logout_RevokesTheSession_WhenRacedWithItself()
    {
        var user = await SignUpAsync();

        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/auth/logout", bearer: user.Token));

        answers.AssertEachSucceededOr(ErrorCodes.TokenRevoked, ErrorCodes.Conflict);
        Assert.Contains(answers, answer => answer.Succeeded);
        await (await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: user.Token)).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
    }

    [Fact]
    public async Task TotpSetup_LeavesTwoFactorOffAndSetupUsable_WhenRacedWithItself()
    {
        var user = await SignUpAsync();

        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: user.Token));

        // Guessing which answered secret is pending would spend the two-factor throttle; a fresh setup shows the row is sound.
        answers.AssertEachSucceededOr(ErrorCodes.Conflict);
        Assert.Contains(answers, answer => answer.Succeeded);
        Assert.False((await host.GetJsonAsync(user.Token, "api/v1/me/two-factor")).GetProperty("enabled").GetBoolean());
        var secret = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: user.Token)).GetProperty("secret").GetString()!;
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = CodeNow(secret) }, user.Token);
    }

    [Fact]
    public async Task TotpEnable_SucceedsOnce_WhenOneCodeIsRaced()
    {
        var user = await SignUpAsync();
        var secret = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: user.Token)).GetProperty("secret").GetString()!;
        var code = CodeNow(secret);

        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code }, user.Token));

        answers.AssertEachSucceededOr(ErrorCodes.InvalidTwoFactorCode, ErrorCodes.TooManyAttempts, ErrorCodes.Conflict);
        Assert.Single(answers, answer => answer.Succeeded);
        Assert.True((await host.GetJsonAsync(user.Token, "api/v1/me/two-factor")).GetProperty("enabled").GetBoolean());
    }

    [Theory]
    [InlineData("api/v1/me/two-factor/backup-codes")]
    [InlineData("api/v1/me/two-factor/totp/disable")]
    public async Task TwoFactorChange_SucceedsOnce_WhenOneCodeIsRaced(string path)
    {
        var (user, secret) = await EnrolTwoFactorAsync();
        var code = CodeNow(secret);

        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, path, new { code }, user.Token));

        answers.AssertEachSucceededOr(ErrorCodes.InvalidTwoFactorCode, ErrorCodes.TooManyAttempts, ErrorCodes.Conflict);
        Assert.Single(answers, answer => answer.Succeeded);
        var stillEnabled = path.EndsWith("backup-codes", StringComparison.Ordinal);
        Assert.Equal(stillEnabled, (await host.GetJsonAsync(user.Token, "api/v1/me/two-factor")).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task PasskeyOptions_AnswerEveryRacedRequest()
    {
        var user = await SignUpAsync();

        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/me/passkeys/options", bearer: user.Token));

        answers.AssertEachSucceededOr(ErrorCodes.Conflict);
        Assert.Contains(answers, answer => answer.Succeeded);
    }

    [Fact]
    public async Task PasskeyRegistration_SucceedsOnce_WhenOneChallengeIsRaced()
    {
        var user = await SignUpAsync();
        var options = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/passkeys/options", bearer: user.Token);
        var body = new
        {
            challengeId = options.GetProperty("challengeId").GetString(),
            credential = authenticator.Attest(options.GetProperty("options"), host.Origin),
        };

        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/me/passkeys", body, user.Token));

        Assert.Single(answers, answer => answer.Succeeded);
        Assert.Single((await host.GetJsonAsync(user.Token, "api/v1/me/passkeys")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task PasskeyRenameAndDelete_AnswerEveryRacedRequest()
    {
        var user = await SignUpAsync();
        var passkeyId = await AddPasskeyAsync(user.Token);

        var renames = await Race.SendAsync(() => host.SendAsync(HttpMethod.Patch, $"api/v1/me/passkeys/{passkeyId}", new { name = "Raced" }, user.Token));
        var deletes = await Race.SendAsync(() => host.SendAsync(HttpMethod.Delete, $"api/v1/me/passkeys/{passkeyId}", bearer: user.Token));

        renames.AssertEachSucceededOr(ErrorCodes.Conflict);
        Assert.Contains(renames, answer => answer.Succeeded);
        deletes.AssertEachSucceededOr(ErrorCodes.NotFound, ErrorCodes.Conflict);
        Assert.Contains(deletes, answer => answer.Succeeded);
        Assert.Empty((await host.GetJsonAsync(user.Token, "api/v1/me/passkeys")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task ApiKeyCreate_NeverPassesThePlanLimit_WhenRaced()
    {
        var user = await SignUpAsync(plan: "pro");

        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "raced", scopes = new[] { "bookmarks:read" } }, user.Token));

        answers.AssertEachSucceededOr(ErrorCodes.KeyLimitReached, ErrorCodes.Conflict);
        var created = answers.Count(answer => answer.Succeeded);
        Assert.InRange(created, 1, 10);
        Assert.Equal(created, (await host.GetJsonAsync(user.Token, "api/v1/api-keys")).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task ApiKeyRenameAndRevoke_AnswerEveryRacedRequest()
    {
        var user = await SignUpAsync(plan: "pro");
        var created = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "raced", scopes = new[] { "bookmarks:read" } }, user.Token, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString();

        var renames = await Race.SendAsync(() => host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{id}", new { name = "renamed" }, user.Token));
        var revokes = await Race.SendAsync(() => host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{id}", bearer: user.Token));

        renames.AssertEachSucceededOr(ErrorCodes.Conflict);
        Assert.Contains(renames, answer => answer.Succeeded);
        revokes.AssertEachSucceededOr(ErrorCodes.NotFound, ErrorCodes.Conflict);
        Assert.Contains(revokes, answer => answer.Succeeded);
        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: created.GetProperty("key").GetString())).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
    }

    [Fact]
    public async Task PlanChange_AnswersEveryRacedRequest_AndTheKeysFollowThePlan()
    {
        var user = await SignUpAsync(plan: "pro");
        var key = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "k", scopes = new[] { "bookmarks:read" } }, user.Token, HttpStatusCode.Created)).GetProperty("key").GetString();

        var answers = await Race.SendAsync(() => host.SetPlanAsync(user.Id, "free"));

        answers.AssertEachSucceededOr(ErrorCodes.Conflict);
        Assert.Contains(answers, answer => answer.Succeeded);
        Assert.Equal("free", (await host.GetJsonAsync(user.Token, "api/v1/me")).GetProperty("plan").GetString());
        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ApiAccessProRequired);
    }

    [Fact]
    public async Task BookmarkCreate_StoresOneBookmark_WhenOneUrlIsRaced()
    {
        var user = await SignUpAsync();

        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://example.com/raced" }, user.Token));

        answers.AssertEachSucceededOr(ErrorCodes.Conflict);
        Assert.Single(answers, answer => answer.Succeeded);
        Assert.Single(await host.ReadAllPagesAsync(user.Token, "api/v1/bookmarks"));
    }

    [Fact]
    public async Task BookmarkUpdateTrashRestoreAndEmpty_AnswerEveryRacedRequest()
    {
        var user = await SignUpAsync();
        var id = (await host.CreateBookmarkAsync(user.Token, new { url = "https://example.com/a", tags = new[] { "x" } })).GetProperty("id").GetString();

        var updates = await Race.SendAsync(() => host.SendAsync(HttpMethod.Patch, $"api/v1/bookmarks/{id}", new { title = "Raced" }, user.Token));
        var trashes = await Race.SendAsync(() => host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{id}", bearer: user.Token));
        var restores = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, $"api/v1/bookmarks/{id}/restore", bearer: user.Token));
        await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{id}", bearer: user.Token);
        var empties = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/trash/empty", bearer: user.Token));

        updates.AssertEachSucceededOr(ErrorCodes.Conflict);
        trashes.AssertEachSucceededOr(ErrorCodes.NotFound, ErrorCodes.Conflict);
        restores.AssertEachSucceededOr(ErrorCodes.NotFound, ErrorCodes.Conflict);
        empties.AssertEachSucceededOr(ErrorCodes.Conflict);
        Assert.All(new[] { updates, trashes, restores, empties }, answers => Assert.Contains(answers, answer => answer.Succeeded));
        Assert.Equal(1, empties.Where(answer => answer.Succeeded).Sum(answer => answer.Json.GetProperty("deleted").GetInt32()));
        Assert.Empty(await host.ReadAllPagesAsync(user.Token, "api/v1/bookmarks"));
        Assert.Empty(await host.ReadAllPagesAsync(user.Token, "api/v1/trash"));
    }

    [Fact]
    public async Task TagRenameAndDelete_AnswerEveryRacedRequest()
    {
        var user = await SignUpAsync();
        await host.CreateBookmarkAsync(user.Token, new { url = "https://example.com/a", tags = new[] { "old" } });
        await host.CreateBookmarkAsync(user.Token, new { url = "https://example.com/b", tags = new[] { "old" } });

        var renames = await Race.SendAsync(() => host.SendAsync(HttpMethod.Patch, "api/v1/tags/old", new { name = "new" }, user.Token));
        var deletes = await Race.SendAsync(() => host.SendAsync(HttpMethod.Delete, "api/v1/tags/new", bearer: user.Token));

        renames.AssertEachSucceededOr(ErrorCodes.NotFound, ErrorCodes.Conflict);
        Assert.Contains(renames, answer => answer.Succeeded);
        deletes.AssertEachSucceededOr(ErrorCodes.NotFound, ErrorCodes.Conflict);
        Assert.Contains(deletes, answer => answer.Succeeded);
        Assert.Empty((await host.GetJsonAsync(user.Token, "api/v1/tags")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task GroupCreateUpdateAndDelete_AnswerEveryRacedRequest()
    {
        var user = await SignUpAsync();

        var creates = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/groups", new { name = "Raced" }, user.Token));
        var groups = (await host.GetJsonAsync(user.Token, "api/v1/groups")).GetProperty("data").EnumerateArray().ToList();
        var id = groups[0].GetProperty("id").GetString();
        var updates = await Race.SendAsync(() => host.SendAsync(HttpMethod.Patch, $"api/v1/groups/{id}", new { description = "raced" }, user.Token));
        var deletes = await Race.SendAsync(() => host.SendAsync(HttpMethod.Delete, $"api/v1/groups/{id}", bearer: user.Token));

        creates.AssertEachSucceededOr(ErrorCodes.Conflict);
        Assert.Equal(creates.Count(answer => answer.Succeeded), groups.Count);
        updates.AssertEachSucceededOr(ErrorCodes.NotFound, ErrorCodes.Conflict);
        Assert.Contains(updates, answer => answer.Succeeded);
        deletes.AssertEachSucceededOr(ErrorCodes.NotFound, ErrorCodes.Conflict);
        Assert.Contains(deletes, answer => answer.Succeeded);
        Assert.Equal(groups.Count - 1, (await host.GetJsonAsync(user.Token, "api/v1/groups")).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Import_StoresEachUrlOnce_WhenOneFileIsRaced()
    {
        var user = await SignUpAsync();
        var file = JsonSerializer.Serialize(new
        {
            format = "bkmark",
            version = 1,
            bookmarks = Enumerable.Range(0, 5).Select(i => new { url = $"https://example.com/{i}" }),
        });

        var answers = await Race.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/import") { Content = new StringContent(file, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", user.Token);
            return host.Client.SendAsync(request);
        });

        answers.AssertEachSucceededOr(ErrorCodes.Conflict);
        Assert.Equal(5, answers.Where(answer => answer.Succeeded).Sum(answer => answer.Json.GetProperty("imported").GetInt32()));
        Assert.Equal(5, (await host.ReadAllPagesAsync(user.Token, "api/v1/bookmarks")).Count);
    }

    private sealed record User(string Id, string Email, string Token);

    private async Task<User> SignUpAsync(string plan = "free")
    {
        var (id, email) = await host.Client.RegisterVerifiedAsync();
        if (plan != "free")
        {
            Assert.Equal(HttpStatusCode.OK, (await host.SetPlanAsync(id, plan)).StatusCode);
        }

        var tokens = await host.Client.LoginAsync(email);
        return new User(id, email, tokens.GetProperty("accessToken").GetString()!);
    }

    /// <summary>A signed-in user with two-factor on; the clock is then a step on, so the current code is unused.</summary>
    private async Task<(User User, string Secret)> EnrolTwoFactorAsync()
    {
        var user = await SignUpAsync();
        var secret = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: user.Token)).GetProperty("secret").GetString()!;
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = CodeNow(secret) }, user.Token);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        return (user, secret);
    }

    private Task<string> AddPasskeyAsync(string token) => authenticator.RegisterAsync(host.Client, token, host.Origin);

    private string CodeNow(string secret) => TotpCalculator.Default.Compute(Base32Encoding.ToBytes(secret), host.Time.GetUtcNow());
}

using Bkmark.Core.Sessions;

namespace Bkmark.Tests.Sessions;

public sealed class SessionServiceTests : IAsyncLifetime
{
    private static readonly ClientInfo Client = new("Mozilla/5.0 (Macintosh) Chrome/130", "203.0.113.7");
    private CoreServices core = null!;
    private SessionService sessions = null!;

    public async Task InitializeAsync()
    {
        core = await CoreServices.StartAsync();
        sessions = core.Get<SessionService>();
    }

    public async Task DisposeAsync() => await core.DisposeAsync();

    [Fact]
    public async Task SignIn_ReturnsTokenPairWithDocumentedLifetimes()
    {
        var tokens = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);

        Assert.Equal("Bearer", tokens.TokenType);
        Assert.Equal(900, tokens.ExpiresIn);
        Assert.Equal(604800, tokens.RefreshExpiresIn);
        Assert.Matches("^bkr_[A-Za-z0-9_-]{43}$", tokens.RefreshToken);
        var session = (await core.Get<SessionStore>().FindAsync("user1", tokens.SessionId, CancellationToken.None))!;
        Assert.Equal(core.Time.GetUtcNow().AddDays(7), session.RefreshExpiresAt);
        Assert.Equal(core.Time.GetUtcNow().AddDays(30), session.AbsoluteExpiresAt);
        Assert.Equal(core.Time.GetUtcNow(), session.LastActiveAt);
        Assert.Equal("203.0.113.7", session.IpAddress);
    }

    [Fact]
    public async Task Refresh_RotatesToken_AndOldOneIsRefused()
    {
        var first = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);

        var second = await sessions.RefreshAsync(first.RefreshToken, CancellationToken.None);
        var again = await sessions.RefreshAsync(first.RefreshToken, CancellationToken.None);

        Assert.True(second.Succeeded);
        Assert.NotEqual(first.RefreshToken, second.Value.RefreshToken);
        Assert.Equal(first.SessionId, second.Value.SessionId);
        Assert.Equal(ErrorCodes.TokenRevoked, again.Problem?.Code);
    }

    [Fact]
    public async Task Refresh_WithinGrace_RefusesWithoutEndingTheSession()
    {
        var first = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);
        var second = await sessions.RefreshAsync(first.RefreshToken, CancellationToken.None);
        core.Time.Advance(TimeSpan.FromSeconds(5));

        var reused = await sessions.RefreshAsync(first.RefreshToken, CancellationToken.None);
        var successorStillWorks = await sessions.RefreshAsync(second.Value!.RefreshToken, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenRevoked, reused.Problem?.Code);
        Assert.True(successorStillWorks.Succeeded);
    }

    [Fact]
    public async Task Refresh_ReuseAfterGrace_RevokesSessionAndKillsNewestToken()
    {
        var first = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);
        var second = await sessions.RefreshAsync(first.RefreshToken, CancellationToken.None);
        core.Time.Advance(TimeSpan.FromSeconds(11));

        var replay = await sessions.RefreshAsync(first.RefreshToken, CancellationToken.None);
        var newest = await sessions.RefreshAsync(second.Value!.RefreshToken, CancellationToken.None);
        var active = await sessions.CheckActiveAsync("user1", first.SessionId, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenRevoked, replay.Problem?.Code);
        Assert.Equal(ErrorCodes.TokenRevoked, newest.Problem?.Code);
        Assert.Equal(ErrorCodes.TokenRevoked, active.Problem?.Code);
    }

    [Fact]
    public async Task Refresh_TwentyConcurrentWithOneToken_YieldAtMostOneLiveSuccessor()
    {
        var first = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 20)
            .Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await sessions.RefreshAsync(first.RefreshToken, CancellationToken.None);
            }))
            .ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        var winners = results.Where(r => r.Succeeded).ToList();
        Assert.Single(winners);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(ErrorCodes.TokenRevoked, r.Problem!.Code));
        // The one successor is live; the session survived the benign race.
        Assert.True((await sessions.RefreshAsync(winners[0].Value!.RefreshToken, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Refresh_ReturnsTokenExpired_AfterSevenDays()
    {
        var first = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);
        core.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        Assert.Equal(ErrorCodes.TokenExpired, (await sessions.RefreshAsync(first.RefreshToken, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task Refresh_ReturnsTokenExpired_AfterAbsoluteLifetime_EvenWhenActive()
    {
        var tokens = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);
        for (var refresh = 0; refresh < 4; refresh++)
        {
            core.Time.Advance(TimeSpan.FromDays(6));
            tokens = (await sessions.RefreshAsync(tokens.RefreshToken, CancellationToken.None)).Value!;
        }

        // Day 30 and a second: the newest refresh token has a day left, the session none.
        core.Time.Advance(TimeSpan.FromDays(6) + TimeSpan.FromSeconds(1));

        Assert.Equal(ErrorCodes.TokenExpired, (await sessions.RefreshAsync(tokens.RefreshToken, CancellationToken.None)).Problem?.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bkr_short")]
    [InlineData("bkr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("bk_0123456789abcdef0123456789abcdef")]
    public async Task Refresh_ReturnsInvalidToken_WhenUnknownOrMalformed(string token)
    {
        Assert.Equal(ErrorCodes.InvalidToken, (await sessions.RefreshAsync(token, CancellationToken.None)).Problem?.Code);
    }

    [Fact]
    public async Task CheckActive_WritesLastActiveAtAtMostOncePerMinute()
    {
        var tokens = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);
        core.StorageRequests.Clear();

        core.Time.Advance(TimeSpan.FromSeconds(30));
        await sessions.CheckActiveAsync("user1", tokens.SessionId, CancellationToken.None);
        var writesWithinMinute = core.StorageRequests.Requests.Count(r => r.IsWrite);
        core.Time.Advance(TimeSpan.FromSeconds(31));
        await sessions.CheckActiveAsync("user1", tokens.SessionId, CancellationToken.None);
        await sessions.CheckActiveAsync("user1", tokens.SessionId, CancellationToken.None);

        Assert.Equal(0, writesWithinMinute);
        Assert.Equal(1, core.StorageRequests.Requests.Count(r => r.IsWrite));
        var session = await core.Get<SessionStore>().FindAsync("user1", tokens.SessionId, CancellationToken.None);
        Assert.Equal(core.Time.GetUtcNow(), session!.LastActiveAt);
    }

    [Fact]
    public async Task CheckActive_CostsOnePointReadAndNoQuery()
    {
        var tokens = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);
        core.StorageRequests.Clear();

        await sessions.CheckActiveAsync("user1", tokens.SessionId, CancellationToken.None);

        var request = Assert.Single(core.StorageRequests.Requests);
        Assert.True(request.IsPointRead);
    }

    [Fact]
    public async Task RevokeOthers_LeavesOnlyTheCurrentSession()
    {
        var current = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);
        var others = new List<TokenResponse>();
        for (var i = 0; i < 3; i++)
        {
            others.Add(await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None));
        }

        var stranger = await sessions.SignInAsync("user2", AuthMethods.Password, Client, CancellationToken.None);

        var revoked = await sessions.RevokeOthersAsync("user1", current.SessionId, CancellationToken.None);

        Assert.Equal(3, revoked.Value);
        var remaining = await sessions.ListActiveAsync("user1", current.SessionId, CancellationToken.None);
        Assert.Equal(current.SessionId, Assert.Single(remaining).Id);
        foreach (var other in others)
        {
            Assert.Equal(ErrorCodes.TokenRevoked, (await sessions.RefreshAsync(other.RefreshToken, CancellationToken.None)).Problem?.Code);
        }

        Assert.Single(await sessions.ListActiveAsync("user2", stranger.SessionId, CancellationToken.None));
        Assert.True((await sessions.CheckActiveAsync("user2", stranger.SessionId, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Revoke_ReturnsNotFound_ForAnotherUsersSession()
    {
        var theirs = await sessions.SignInAsync("user2", AuthMethods.Password, Client, CancellationToken.None);

        var result = await sessions.RevokeAsync("user1", theirs.SessionId, "test", CancellationToken.None);

        Assert.Equal(ErrorCodes.NotFound, result.Problem?.Code);
        Assert.True((await sessions.CheckActiveAsync("user2", theirs.SessionId, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Storage_HoldsNoRawRefreshToken()
    {
        var tokens = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);
        var refreshed = await sessions.RefreshAsync(tokens.RefreshToken, CancellationToken.None);

        var dump = await StorageDump.ReadAllAsync(core.Get<BkmarkTables>());

        Assert.DoesNotContain(tokens.RefreshToken, dump);
        Assert.DoesNotContain(tokens.RefreshToken["bkr_".Length..], dump);
        Assert.DoesNotContain(refreshed.Value!.RefreshToken, dump);
    }
}

using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Sessions;
using Bkmark.Core.Throttling;

namespace Bkmark.Tests.Maintenance;

/// <summary>The sweep against Azurite, with fake time: sessions, refresh tokens, throttles; faults and concurrency.</summary>
public sealed class ExpirySweeperTests : IAsyncLifetime
{
    private readonly StorageFaults faults = new();
    private CoreServices core = null!;

    public async Task InitializeAsync() =>
        core = await CoreServices.StartAsync(
            new Dictionary<string, string?> { ["Tokens:SessionAbsoluteLifetime"] = "10.00:00:00" },
            services => services.AddSingleton<HttpPipelinePolicy>(faults));

    public async Task DisposeAsync() => await core.DisposeAsync();

    private SessionService Sessions => core.Get<SessionService>();

    [Fact]
    public async Task RunAsync_DeletesSessionAndRefreshToken_WhenRefreshTokenExpired_AndKeepsLiveSession()
    {
        var (expiredUser, expired) = await core.SignInAsync();
        core.Time.Advance(TimeSpan.FromDays(1));
        var (liveUser, live) = await core.SignInAsync();

        var report = await core.SweepAfterAsync(TimeSpan.FromDays(6) + SweepTestData.BucketClosed);

        Assert.Null(await core.FindSessionAsync(expiredUser, expired.SessionId));
        Assert.NotNull(await core.FindSessionAsync(liveUser, live.SessionId));
        Assert.Equal(1, await core.CountAsync(TableNames.RefreshTokens));
        Assert.Equal(0, report.Failed);
        Assert.Equal(ErrorCodes.InvalidToken, (await Sessions.RefreshAsync(expired.RefreshToken, CancellationToken.None)).Problem?.Code);
        Assert.True((await Sessions.RefreshAsync(live.RefreshToken, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task RunAsync_ReschedulesRefreshedSession_AndDeletesOnlyItsRotatedToken()
    {
        var (userId, first) = await core.SignInAsync();
        core.Time.Advance(TimeSpan.FromDays(6));
        var second = (await Sessions.RefreshAsync(first.RefreshToken, CancellationToken.None)).Value!;

        var report = await core.SweepAfterAsync(TimeSpan.FromDays(1) + SweepTestData.BucketClosed);

        Assert.NotNull(await core.FindSessionAsync(userId, first.SessionId));
        Assert.Equal(1, await core.CountAsync(TableNames.RefreshTokens));
        Assert.Equal(1, report.Rescheduled);
        Assert.Equal(1, report.DeletedOf(RefreshTokenExpiryHandler.KindName));
        Assert.True((await Sessions.RefreshAsync(second.RefreshToken, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task RunAsync_KeepsRevokedSessionUntilItsLastRefreshTokenExpires_ThenDeletesIt()
    {
        var (userId, tokens) = await core.SignInAsync();
        core.Time.Advance(TimeSpan.FromDays(1));
        await Sessions.RevokeAsync(userId, tokens.SessionId, "test", CancellationToken.None);

        await core.SweepAfterAsync(TimeSpan.FromDays(1));
        var whileKept = await Sessions.RefreshAsync(tokens.RefreshToken, CancellationToken.None);
        await core.SweepAfterAsync(TimeSpan.FromDays(5) + SweepTestData.BucketClosed);
        var afterSweep = await Sessions.RefreshAsync(tokens.RefreshToken, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenRevoked, whileKept.Problem?.Code);
        Assert.Equal(ErrorCodes.InvalidToken, afterSweep.Problem?.Code);
        Assert.Null(await core.FindSessionAsync(userId, tokens.SessionId));
        Assert.Equal(0, await core.CountAsync(TableNames.RefreshTokens));
    }

    [Fact]
    public async Task RunAsync_DeletesSessionWithItsCurrentToken_WhenAbsoluteLifetimeEnded()
    {
        var (userId, first) = await core.SignInAsync();
        core.Time.Advance(TimeSpan.FromDays(6));
        await Sessions.RefreshAsync(first.RefreshToken, CancellationToken.None);

        // Absolute lifetime (10 days) ends before the current token (day 13).
        var beforeEnd = await core.SweepAfterAsync(TimeSpan.FromDays(4) - TimeSpan.FromHours(1));
        var kept = await core.FindSessionAsync(userId, first.SessionId);
        var report = await core.SweepAfterAsync(TimeSpan.FromHours(1) + SweepTestData.BucketClosed);

        Assert.NotNull(kept);
        Assert.Equal(0, beforeEnd.Failed);
        Assert.Equal(2, report.DeletedOf(SessionExpiryHandler.KindName));
        Assert.Null(await core.FindSessionAsync(userId, first.SessionId));
        Assert.Equal(0, await core.CountAsync(TableNames.RefreshTokens));
    }

    [Fact]
    public async Task RunAsync_DeletesThrottleRecord_OnlyOnceItNoLongerMatters()
    {
        var throttle = core.Get<AttemptThrottle>();
        var policy = new ThrottlePolicy("sweep-test", 3, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));
        await throttle.ClaimAsync(policy, "quiet", CancellationToken.None);
        await throttle.ClaimAsync(policy, "busy", CancellationToken.None);
        core.Time.Advance(TimeSpan.FromMinutes(20));
        await throttle.ClaimAsync(policy, "busy", CancellationToken.None);

        // "quiet" stopped mattering at +30 min, "busy" at +50 min.
        var first = await core.SweepAfterAsync(TimeSpan.FromMinutes(10) + SweepTestData.BucketClosed);
        var remaining = await ThrottleSubjectsAsync();
        var second = await core.SweepAfterAsync(TimeSpan.FromMinutes(20));

        Assert.Equal(["busy"], remaining);
        Assert.Equal(1, first.DeletedOf(ThrottleExpiryHandler.KindName));
        Assert.Equal(1, first.Rescheduled);
        Assert.Equal(1, second.DeletedOf(ThrottleExpiryHandler.KindName));
        Assert.Empty(await ThrottleSubjectsAsync());
    }

    [Fact]
    public async Task RunAsync_IsCompletedByTheNextRun_WhenCancelledHalfWay()
    {
        for (var i = 0; i < 40; i++)
        {
            await core.SignInAsync();
        }

        core.Time.Advance(TimeSpan.FromDays(7) + SweepTestData.BucketClosed);
        using var cancel = new CancellationTokenSource();
        faults.CancelAfter(30, cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => core.Get<ExpirySweeper>().RunAsync(cancel.Token));
        var leftByCrash = await core.CountAsync(TableNames.Sessions);
        var report = await core.Get<ExpirySweeper>().RunAsync(CancellationToken.None);

        Assert.InRange(leftByCrash, 1, 40);
        Assert.Equal(0, report.Failed);
        Assert.Equal(0, await core.CountAsync(TableNames.Sessions));
        Assert.Equal(0, await core.CountAsync(TableNames.RefreshTokens));
        Assert.Equal(0, await core.CountDueEntriesAsync());
    }

    [Fact]
    public async Task RunAsync_TwoRunsAtOnce_LeaveTheSameEndStateAsOne()
    {
        for (var i = 0; i < 30; i++)
        {
            await core.SignInAsync();
        }

        core.Time.Advance(TimeSpan.FromDays(3));
        var live = new List<(string UserId, string SessionId)>();
        for (var i = 0; i < 5; i++)
        {
            var (userId, tokens) = await core.SignInAsync();
            live.Add((userId, tokens.SessionId));
        }

        core.Time.Advance(TimeSpan.FromDays(4) + SweepTestData.BucketClosed);
        var sweeper = core.Get<ExpirySweeper>();
        var reports = await Task.WhenAll(sweeper.RunAsync(CancellationToken.None), sweeper.RunAsync(CancellationToken.None));

        Assert.All(reports, r => Assert.Equal(0, r.Failed));
        Assert.Equal(5, await core.CountAsync(TableNames.Sessions));
        Assert.Equal(5, await core.CountAsync(TableNames.RefreshTokens));
        foreach (var (userId, sessionId) in live)
        {
            Assert.NotNull(await core.FindSessionAsync(userId, sessionId));
        }

        Assert.Equal(0, await core.CountDueEntriesAsync());
    }

    [Fact]
    public async Task RunAsync_LeavesAFailingItemForTheNextRun_AndHandlesTheRest()
    {
        var signIns = new List<(string UserId, TokenResponse Tokens)>();
        for (var i = 0; i < 3; i++)
        {
            signIns.Add(await core.SignInAsync());
        }

        var (failingUser, failing) = signIns[1];
        faults.FailWhen = (method, uri) => method == "GET" && uri.AbsolutePath.Contains(failing.SessionId, StringComparison.Ordinal);
        var failed = await core.SweepAfterAsync(TimeSpan.FromDays(7) + SweepTestData.BucketClosed);
        var sessionsLeft = await core.CountAsync(TableNames.Sessions);
        faults.FailWhen = null;
        var retried = await core.SweepAfterAsync(TimeSpan.FromMinutes(15));

        Assert.Equal(1, failed.Failed);
        Assert.Equal(1, sessionsLeft);
        Assert.Equal(core.Get<ExpiryIndex>().BucketOf(core.Time.GetUtcNow() - TimeSpan.FromMinutes(15) - SweepTestData.BucketClosed), failed.NextBucket);
        Assert.Equal(0, retried.Failed);
        Assert.Null(await core.FindSessionAsync(failingUser, failing.SessionId));
        Assert.Equal(0, await core.CountDueEntriesAsync());
    }

    [Fact]
    [Trait("Category", "OneAccount")] // the item budget is each account's: on two, a run handles up to twice as many
    public async Task RunAsync_StopsAtTheItemBudget_AndTheNextRunsContinue()
    {
        await using var core = await CoreServices.StartAsync(new Dictionary<string, string?> { ["Sweep:ItemBudget"] = "5" });
        for (var i = 0; i < 6; i++)
        {
            await core.SignInAsync();
        }

        // Six sign-ins are twelve index entries (a session and its refresh token each).
        var first = await core.SweepAfterAsync(TimeSpan.FromDays(7) + SweepTestData.BucketClosed);
        var second = await core.SweepAfterAsync(TimeSpan.Zero);
        var third = await core.SweepAfterAsync(TimeSpan.Zero);

        Assert.Equal((5, true), (first.Entries, first.BudgetExhausted));
        Assert.Equal((5, true), (second.Entries, second.BudgetExhausted));
        Assert.Equal((2, false), (third.Entries, third.BudgetExhausted));
        Assert.Equal(0, await core.CountAsync(TableNames.Sessions));
        Assert.Equal(0, await core.CountAsync(TableNames.RefreshTokens));
    }

    [Fact]
    [Trait("Category", "OneAccount")] // the item budget is each account's: on two, a run handles up to twice as many
    public async Task RunAsync_KeepsTheCheckpointAtAFailedBucket_WhenTheItemBudgetStopsInALaterOne()
    {
        var faults = new StorageFaults();
        await using var core = await CoreServices.StartAsync(
            new Dictionary<string, string?> { ["Sweep:ItemBudget"] = "5" },
            services => services.AddSingleton<HttpPipelinePolicy>(faults));
        var (failingUser, failing) = await core.SignInAsync();
        core.Time.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 3; i++)
        {
            await core.SignInAsync();
        }

        // The budget (5) takes the first bucket's 2 entries and 3 of the second's 6.
        faults.FailWhen = (method, uri) => method == "GET" && uri.AbsolutePath.Contains(failing.SessionId, StringComparison.Ordinal);
        var failed = await core.SweepAfterAsync(TimeSpan.FromDays(7) + SweepTestData.BucketClosed);
        faults.FailWhen = null;
        var retried = await core.SweepAfterAsync(TimeSpan.Zero);
        var last = await core.SweepAfterAsync(TimeSpan.Zero);

        Assert.Equal((1, true), (failed.Failed, failed.BudgetExhausted));
        Assert.Equal(core.Get<ExpiryIndex>().BucketOf(core.Time.GetUtcNow() - TimeSpan.FromHours(1) - SweepTestData.BucketClosed), failed.NextBucket);
        Assert.Equal((0, 0), (retried.Failed, last.Failed));
        Assert.Null(await core.FindSessionAsync(failingUser, failing.SessionId));
        Assert.Equal(0, await core.CountAsync(TableNames.Sessions));
        Assert.Equal(0, await core.CountDueEntriesAsync());
    }

    [Fact]
    [Trait("Category", "OneAccount")] // one account's checkpoint and query; each further account adds its own
    public async Task RunAsync_ReadsOnlyTheCheckpointOneQueryAndThePoisonQueue_WhenNothingIsDue()
    {
        await core.SignInAsync();
        await core.SweepAfterAsync(TimeSpan.FromMinutes(20));
        core.StorageRequests.Clear();

        var report = await core.SweepAfterAsync(TimeSpan.FromMinutes(1));

        // The checkpoint, one index query, and one look at the email outbox's poison queue (DESIGN §14).
        Assert.Equal(0, report.Entries);
        Assert.Equal(3, core.StorageRequests.Requests.Count);
        Assert.Equal(1, core.StorageRequests.Requests.Count(r => r.IsPointRead));
    }

    [Fact]
    public async Task Backfill_SchedulesDataWrittenBeforeTheIndex_SoTheSweepDeletesItAndRepeatsHarmlessly()
    {
        var now = core.Time.GetUtcNow();
        var store = core.Get<SessionStore>();
        await store.AddAsync(NewSession("01JCSWEEPUSER0000000000001", "01JCSWEEPSESS000000000001", now + TimeSpan.FromDays(1)), CancellationToken.None);
        await store.AddAsync(NewSession("01JCSWEEPUSER0000000000002", "01JCSWEEPSESS000000000002", now + TimeSpan.FromDays(9)), CancellationToken.None);
        await core.Get<BkmarkTables>()[TableNames.Throttles, "abc123"].AddEntityAsync(
            new ThrottleEntity { PartitionKey = "abc123", RowKey = "login", Failures = 1, WindowStartedAt = now, ExpiresAt = now + TimeSpan.FromMinutes(30) });
        var backfill = core.Get<ExpiryBackfill>();

        var scheduled = await backfill.RunAsync(CancellationToken.None);
        var entries = await core.CountAsync(TableNames.ExpiryIndex);
        await backfill.RunAsync(CancellationToken.None);
        var entriesAfterRepeat = await core.CountAsync(TableNames.ExpiryIndex);
        var report = await core.SweepAfterAsync(TimeSpan.FromDays(1) + SweepTestData.BucketClosed);

        Assert.Equal(2, scheduled[SessionExpiryHandler.KindName]);
        Assert.Equal(1, scheduled[ThrottleExpiryHandler.KindName]);
        Assert.Equal(3, entries);
        Assert.Equal(entries, entriesAfterRepeat);
        Assert.Equal(1, report.DeletedOf(SessionExpiryHandler.KindName));
        Assert.Equal(1, report.DeletedOf(ThrottleExpiryHandler.KindName));
        Assert.Equal(1, await core.CountAsync(TableNames.Sessions));
    }

    private static SessionEntity NewSession(string userId, string sessionId, DateTimeOffset refreshExpiresAt) => new()
    {
        PartitionKey = userId,
        RowKey = sessionId,
        CreatedAt = refreshExpiresAt - TimeSpan.FromDays(7),
        LastActiveAt = refreshExpiresAt - TimeSpan.FromDays(7),
        AbsoluteExpiresAt = refreshExpiresAt + TimeSpan.FromDays(20),
        RefreshExpiresAt = refreshExpiresAt,
    };

    private async Task<List<string>> ThrottleSubjectsAsync()
    {
        var subjects = new List<string>();
        await foreach (var record in core.Get<BkmarkTables>().EveryAccount(TableNames.Throttles).QueryAllAsync<TableEntity>(null, null, CancellationToken.None))
        {
            subjects.Add(record.PartitionKey);
        }

        return subjects;
    }
}

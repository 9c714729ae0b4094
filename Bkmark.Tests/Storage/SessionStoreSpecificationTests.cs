using Bkmark.Core.Sessions;

namespace Bkmark.Tests.Storage;

/// <summary>
/// What every implementation of the sessions' store must do (after Identity's
/// UserManagerSpecificationTestBase), run against the Table Storage one on Azurite: a point read that
/// answers null, ETag-conditional writes whose lost race is <c>false</c>, deletes that tolerate "gone".
/// </summary>
public sealed class SessionStoreSpecificationTests : CoreServicesTest
{
    private SessionStore Store => Core.Get<SessionStore>();

    [Fact]
    public async Task FindAsync_ReturnsNull_ForAnUnknownSession()
    {
        Assert.Null(await Store.FindAsync("user1", "01ARZ3NDEKTSV4RRFFQ69G5FAV", CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_ThenFindAndList_ReturnWhatWasStored()
    {
        var session = NewSession("user1", "01ARZ3NDEKTSV4RRFFQ69G5FA1");

        await Store.AddAsync(session, CancellationToken.None);
        var found = await Store.FindAsync("user1", session.Id, CancellationToken.None);
        var listed = await Store.ListAsync("user1", CancellationToken.None);
        var others = await Store.ListAsync("user2", CancellationToken.None);

        Assert.Equal(session.UserAgent, found?.UserAgent);
        Assert.Equal(session.AbsoluteExpiresAt, found?.AbsoluteExpiresAt);
        Assert.Equal(session.Id, Assert.Single(listed).Id);
        Assert.Empty(others);
    }

    [Fact]
    public async Task TryReplaceAsync_ReturnsFalse_ForAStaleCopy_AndKeepsTheWinner()
    {
        await Store.AddAsync(NewSession("user1", "01ARZ3NDEKTSV4RRFFQ69G5FA2"), CancellationToken.None);
        var first = (await Store.FindAsync("user1", "01ARZ3NDEKTSV4RRFFQ69G5FA2", CancellationToken.None))!;
        var second = (await Store.FindAsync("user1", "01ARZ3NDEKTSV4RRFFQ69G5FA2", CancellationToken.None))!;

        first.RevokedAt = Core.Time.GetUtcNow();
        var won = await Store.TryReplaceAsync(first, CancellationToken.None);
        second.UserAgent = "stale";
        var lost = await Store.TryReplaceAsync(second, CancellationToken.None);
        var stored = await Store.FindAsync("user1", "01ARZ3NDEKTSV4RRFFQ69G5FA2", CancellationToken.None);

        Assert.True(won);
        Assert.False(lost);
        Assert.NotNull(stored?.RevokedAt);
        Assert.Equal("tests", stored?.UserAgent);
    }

    [Fact]
    public async Task TryMarkRotatedAsync_LetsExactlyOneOfTwoCopiesWin()
    {
        await Store.AddRefreshTokenAsync(NewRefreshToken("p1", "r1"), CancellationToken.None);
        var first = (await Store.FindRefreshTokenAsync("p1", "r1", CancellationToken.None))!;
        var second = (await Store.FindRefreshTokenAsync("p1", "r1", CancellationToken.None))!;
        var now = Core.Time.GetUtcNow();

        var results = await Task.WhenAll(
            Store.TryMarkRotatedAsync(first, now, CancellationToken.None),
            Store.TryMarkRotatedAsync(second, now, CancellationToken.None));

        Assert.Single(results, won => won);
        Assert.Equal(now, (await Store.FindRefreshTokenAsync("p1", "r1", CancellationToken.None))?.RotatedAt);
    }

    [Fact]
    public async Task DeleteRefreshTokenAsync_ReturnsTrueOnce_ThenFalseWhenAlreadyGone()
    {
        await Store.AddRefreshTokenAsync(NewRefreshToken("p2", "r2"), CancellationToken.None);

        var deleted = await Store.DeleteRefreshTokenAsync("p2", "r2", CancellationToken.None);
        var again = await Store.DeleteRefreshTokenAsync("p2", "r2", CancellationToken.None);

        Assert.True(deleted);
        Assert.False(again);
        Assert.Null(await Store.FindRefreshTokenAsync("p2", "r2", CancellationToken.None));
    }

    private SessionEntity NewSession(string userId, string sessionId)
    {
        var now = Core.Time.GetUtcNow();
        return new SessionEntity
        {
            PartitionKey = userId,
            RowKey = sessionId,
            UserAgent = "tests",
            IpAddress = "127.0.0.1",
            CreatedAt = now,
            LastActiveAt = now,
            AbsoluteExpiresAt = now.AddDays(30),
            RefreshExpiresAt = now.AddDays(7),
        };
    }

    private RefreshTokenEntity NewRefreshToken(string partition, string row) => new()
    {
        PartitionKey = partition,
        RowKey = row,
        UserId = "user1",
        SessionId = "01ARZ3NDEKTSV4RRFFQ69G5FA3",
        IssuedAt = Core.Time.GetUtcNow(),
        ExpiresAt = Core.Time.GetUtcNow().AddDays(7),
    };
}

using Bkmark.Core.Accounts;

namespace Bkmark.Tests.Storage;

/// <summary>
/// What every implementation of the users' store must do (after Identity's UserManagerSpecificationTestBase), run
/// against the Table Storage one on Azurite: one user per email, lookups that answer null, ETag-conditional
/// writes whose lost race is <c>false</c>, and an email claim that only its holder can free.
/// </summary>
public sealed class UserStoreSpecificationTests : CoreServicesTest
{
    private UserStore Store => Core.Get<UserStore>();

    [Theory]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAV")]
    [InlineData("not/a key")]
    [InlineData("")]
    public async Task FindByIdAsync_ReturnsNull_ForAnUnknownOrMalformedId(string userId)
    {
        Assert.Null(await Store.FindByIdAsync(userId, CancellationToken.None));
    }

    [Fact]
    public async Task CreateAsync_ThenFindByIdAndByEmail_ReturnWhatWasStored()
    {
        var user = NewUser("01ARZ3NDEKTSV4RRFFQ69G5FA1", "ada@example.com");

        var created = await Store.CreateAsync(user, CancellationToken.None);
        var byId = await Store.FindByIdAsync(user.Id, CancellationToken.None);
        var byEmail = await Store.FindByEmailAsync("ada@example.com", CancellationToken.None);

        Assert.True(created);
        Assert.Equal("ada@example.com", byId?.Email);
        Assert.Equal(Plans.Pro, byId?.Plan);
        Assert.Equal(user.Id, byEmail?.Id);
        Assert.Null(await Store.FindByEmailAsync("nobody@example.com", CancellationToken.None));
    }

    [Fact]
    public async Task CreateAsync_ReturnsFalse_AndLeavesNoUserBehind_WhenTheEmailIsTaken()
    {
        await Store.CreateAsync(NewUser("01ARZ3NDEKTSV4RRFFQ69G5FA2", "taken@example.com"), CancellationToken.None);

        var second = await Store.CreateAsync(NewUser("01ARZ3NDEKTSV4RRFFQ69G5FA3", "taken@example.com"), CancellationToken.None);

        Assert.False(second);
        Assert.Null(await Store.FindByIdAsync("01ARZ3NDEKTSV4RRFFQ69G5FA3", CancellationToken.None));
        Assert.Equal("01ARZ3NDEKTSV4RRFFQ69G5FA2", (await Store.FindByEmailAsync("taken@example.com", CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task TryUpdateAsync_ReturnsFalse_ForAStaleCopy_AndKeepsTheWinner()
    {
        await Store.CreateAsync(NewUser("01ARZ3NDEKTSV4RRFFQ69G5FA4", "race@example.com"), CancellationToken.None);
        var first = (await Store.FindByIdAsync("01ARZ3NDEKTSV4RRFFQ69G5FA4", CancellationToken.None))!;
        var second = (await Store.FindByIdAsync("01ARZ3NDEKTSV4RRFFQ69G5FA4", CancellationToken.None))!;

        first.DisplayName = "winner";
        var won = await Store.TryUpdateAsync(first, CancellationToken.None);
        second.DisplayName = "stale";
        var lost = await Store.TryUpdateAsync(second, CancellationToken.None);

        Assert.True(won);
        Assert.False(lost);
        Assert.Equal("winner", (await Store.FindByIdAsync("01ARZ3NDEKTSV4RRFFQ69G5FA4", CancellationToken.None))?.DisplayName);
    }

    [Fact]
    public async Task TryRemoveAsync_DeletesOnce_ThenAnswersAlreadyGone()
    {
        await Store.CreateAsync(NewUser("01ARZ3NDEKTSV4RRFFQ69G5FA5", "gone@example.com"), CancellationToken.None);
        var user = (await Store.FindByIdAsync("01ARZ3NDEKTSV4RRFFQ69G5FA5", CancellationToken.None))!;

        var removed = await Store.TryRemoveAsync(user, CancellationToken.None);
        var again = await Store.TryRemoveAsync(user, CancellationToken.None);

        Assert.Equal(DeleteOutcome.Deleted, removed);
        Assert.Equal(DeleteOutcome.AlreadyGone, again);
        Assert.Null(await Store.FindByIdAsync(user.Id, CancellationToken.None));
    }

    [Fact]
    public async Task ReleaseEmailAsync_FreesTheAddressForItsHolderOnly()
    {
        await Store.CreateAsync(NewUser("01ARZ3NDEKTSV4RRFFQ69G5FA6", "moving@example.com"), CancellationToken.None);

        await Store.ReleaseEmailAsync("moving@example.com", "01ARZ3NDEKTSV4RRFFQ69G5FA7", CancellationToken.None);
        var claimedWhileHeld = await Store.TryClaimEmailAsync("moving@example.com", "01ARZ3NDEKTSV4RRFFQ69G5FA7", CancellationToken.None);
        await Store.ReleaseEmailAsync("moving@example.com", "01ARZ3NDEKTSV4RRFFQ69G5FA6", CancellationToken.None);
        var claimedOnceFree = await Store.TryClaimEmailAsync("moving@example.com", "01ARZ3NDEKTSV4RRFFQ69G5FA7", CancellationToken.None);

        Assert.False(claimedWhileHeld);
        Assert.True(claimedOnceFree);
        Assert.True(await Store.TryClaimEmailAsync("moving@example.com", "01ARZ3NDEKTSV4RRFFQ69G5FA7", CancellationToken.None));
    }

    private UserEntity NewUser(string userId, string email) => new()
    {
        PartitionKey = userId,
        Email = email,
        Plan = Plans.Pro,
        CreatedAt = Core.Time.GetUtcNow(),
    };
}

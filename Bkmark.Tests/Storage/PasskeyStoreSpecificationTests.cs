using System.Buffers.Text;
using System.Security.Cryptography;
using Bkmark.Core.Passkeys;

namespace Bkmark.Tests.Storage;

/// <summary>
/// What every implementation of the passkeys' store must do (after Identity's UserManagerSpecificationTestBase), run
/// against the Table Storage one on Azurite: a credential id belongs to one passkey across all users, lookups that
/// answer null, ETag-conditional writes whose lost race is <c>false</c>, and a delete that frees the credential id.
/// </summary>
public sealed class PasskeyStoreSpecificationTests : CoreServicesTest
{
    private PasskeyStore Store => Core.Get<PasskeyStore>();

    [Fact]
    public async Task FindAsync_AndFindByCredentialIdAsync_ReturnNull_ForAnUnknownPasskey()
    {
        Assert.Null(await Store.FindAsync("user1", "01ARZ3NDEKTSV4RRFFQ69G5FAV", CancellationToken.None));
        Assert.Null(await Store.FindByCredentialIdAsync(RandomNumberGenerator.GetBytes(16), CancellationToken.None));
    }

    [Fact]
    public async Task TryAddAsync_ThenFindListAndCount_ReturnWhatWasStored()
    {
        var credentialId = RandomNumberGenerator.GetBytes(16);
        var passkey = NewPasskey("user1", "01ARZ3NDEKTSV4RRFFQ69G5FA1", credentialId);

        var added = await Store.TryAddAsync(passkey, credentialId, CancellationToken.None);
        var found = await Store.FindAsync("user1", passkey.Id, CancellationToken.None);
        var byCredential = await Store.FindByCredentialIdAsync(credentialId, CancellationToken.None);

        Assert.True(added);
        Assert.Equal("laptop", found?.Name);
        Assert.Equal(passkey.Id, byCredential?.Id);
        Assert.Equal(passkey.Id, Assert.Single(await Store.ListAsync("user1", CancellationToken.None)).Id);
        Assert.Equal(1, await Store.CountAsync("user1", CancellationToken.None));
        Assert.Equal(0, await Store.CountAsync("user2", CancellationToken.None));
    }

    [Fact]
    public async Task TryAddAsync_ReturnsFalse_WhenTheCredentialIdIsAnotherUsersPasskey()
    {
        var credentialId = RandomNumberGenerator.GetBytes(16);
        await Store.TryAddAsync(NewPasskey("user1", "01ARZ3NDEKTSV4RRFFQ69G5FA2", credentialId), credentialId, CancellationToken.None);

        var second = await Store.TryAddAsync(NewPasskey("user2", "01ARZ3NDEKTSV4RRFFQ69G5FA3", credentialId), credentialId, CancellationToken.None);

        Assert.False(second);
        Assert.Empty(await Store.ListAsync("user2", CancellationToken.None));
        Assert.Equal("user1", (await Store.FindByCredentialIdAsync(credentialId, CancellationToken.None))?.UserId);
    }

    [Fact]
    public async Task TryReplaceAsync_ReturnsFalse_ForAStaleCopy_AndKeepsTheWinner()
    {
        var credentialId = RandomNumberGenerator.GetBytes(16);
        await Store.TryAddAsync(NewPasskey("user1", "01ARZ3NDEKTSV4RRFFQ69G5FA4", credentialId), credentialId, CancellationToken.None);
        var first = (await Store.FindAsync("user1", "01ARZ3NDEKTSV4RRFFQ69G5FA4", CancellationToken.None))!;
        var second = (await Store.FindAsync("user1", "01ARZ3NDEKTSV4RRFFQ69G5FA4", CancellationToken.None))!;

        first.SignatureCounter = 2;
        var won = await Store.TryReplaceAsync(first, CancellationToken.None);
        second.SignatureCounter = 1;
        var lost = await Store.TryReplaceAsync(second, CancellationToken.None);

        Assert.True(won);
        Assert.False(lost);
        Assert.Equal(2, (await Store.FindAsync("user1", "01ARZ3NDEKTSV4RRFFQ69G5FA4", CancellationToken.None))?.SignatureCounter);
    }

    [Fact]
    public async Task DeleteAsync_RemovesThePasskey_AndFreesItsCredentialId()
    {
        var credentialId = RandomNumberGenerator.GetBytes(16);
        var passkey = NewPasskey("user1", "01ARZ3NDEKTSV4RRFFQ69G5FA5", credentialId);
        await Store.TryAddAsync(passkey, credentialId, CancellationToken.None);

        await Store.DeleteAsync(passkey, CancellationToken.None);
        var readded = await Store.TryAddAsync(NewPasskey("user2", "01ARZ3NDEKTSV4RRFFQ69G5FA6", credentialId), credentialId, CancellationToken.None);

        Assert.Null(await Store.FindAsync("user1", passkey.Id, CancellationToken.None));
        Assert.True(readded);
        Assert.Equal("user2", (await Store.FindByCredentialIdAsync(credentialId, CancellationToken.None))?.UserId);
    }

    private PasskeyEntity NewPasskey(string userId, string passkeyId, byte[] credentialId) => new()
    {
        PartitionKey = userId,
        RowKey = passkeyId,
        CredentialId = Base64Url.EncodeToString(credentialId),
        PublicKey = RandomNumberGenerator.GetBytes(77),
        UserHandle = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(userId)),
        Name = "laptop",
        CreatedAt = Core.Time.GetUtcNow(),
    };
}

using System.Buffers.Text;
using Azure;
using Bkmark.Core.Accounts;

namespace Bkmark.Core.Passkeys;

/// <summary>Passkeys (a partition per user) and the global credential-id index, in Table Storage.</summary>
internal sealed class PasskeyStore(BkmarkTables tables, TimeProvider time) : IPasskeyCounter, ISignInMethodHolder
{
    /// <summary>An index entry without its passkey is only an orphan once its own registration has had time to finish.</summary>
    private static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(1);

    private TableClient Passkeys(string userId) => tables[TableNames.Passkeys, userId];

    private TableClient CredentialIndex(string indexKey) => tables[TableNames.PasskeyCredentials, indexKey];

    public async Task<IReadOnlyList<PasskeyEntity>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var passkeys = new List<PasskeyEntity>();
        await foreach (var passkey in Passkeys(userId).QueryAsync<PasskeyEntity>(p => p.PartitionKey == userId, cancellationToken: cancellationToken))
        {
            passkeys.Add(passkey);
        }

        return passkeys;
    }

    /// <summary>How many passkeys the user has: one partition query that reads only the keys.</summary>
    public Task<int> CountAsync(string userId, CancellationToken cancellationToken) => Passkeys(userId).CountPartitionAsync(userId, cancellationToken);

    /// <summary>
    /// The passkeys that sign in on their own: a security key registered for the second step only (DESIGN.md §17) is
    /// no way in without the password. One partition query that reads only the purpose.
    /// </summary>
    public async Task<int> CountSignInMethodsAsync(string userId, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var passkey in Passkeys(userId).QueryAsync<TableEntity>(
            e => e.PartitionKey == userId, select: [nameof(PasskeyEntity.Purpose)], cancellationToken: cancellationToken))
        {
            // Rows from before purposes have none: they are passkeys.
            if (passkey.GetString(nameof(PasskeyEntity.Purpose)) != PasskeyPurposes.SecondFactor)
            {
                count++;
            }
        }

        return count;
    }

    public async Task<PasskeyEntity?> FindAsync(string userId, string passkeyId, CancellationToken cancellationToken)
    {
        if (!IsKeySafe(userId) || !IsKeySafe(passkeyId))
        {
            return null;
        }

        return await Passkeys(userId).FindAsync<PasskeyEntity>(userId, passkeyId, cancellationToken);
    }

    /// <summary>The passkey with this credential id, whoever owns it: two point reads.</summary>
    public async Task<PasskeyEntity?> FindByCredentialIdAsync(byte[] credentialId, CancellationToken cancellationToken)
    {
        var indexKey = IndexKeyOf(credentialId);
        var index = await CredentialIndex(indexKey).GetEntityIfExistsAsync<PasskeyCredentialIndexEntity>(indexKey, "", cancellationToken: cancellationToken);
        return index.HasValue ? await FindAsync(index.Value!.UserId, index.Value.PasskeyId, cancellationToken) : null;
    }

    /// <summary>
    /// Claims the credential id, then writes the passkey. An index entry left by a crash (pointing at no
    /// passkey) is taken over with its ETag; a live one means the id is registered already.
    /// </summary>
    /// <returns>False when the credential id belongs to a passkey already (this user's or anyone's).</returns>
    public async Task<bool> TryAddAsync(PasskeyEntity passkey, byte[] credentialId, CancellationToken cancellationToken)
    {
        var claim = new PasskeyCredentialIndexEntity
        {
            PartitionKey = IndexKeyOf(credentialId),
            UserId = passkey.UserId,
            PasskeyId = passkey.Id,
            CreatedAt = time.GetUtcNow(),
        };
        try
        {
            await CredentialIndex(claim.PartitionKey).AddEntityAsync(claim, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.IsConflict())
        {
            if (!await TryTakeOverOrphanAsync(claim, cancellationToken))
            {
                return false;
            }
        }

        var response = await Passkeys(passkey.PartitionKey).AddEntityAsync(passkey, cancellationToken);
        passkey.ETag = response.Headers.ETag ?? default;
        return true;
    }

    /// <returns>False when the passkey changed since it was read (a lost race) or is gone.</returns>
    public Task<bool> TryReplaceAsync(PasskeyEntity passkey, CancellationToken cancellationToken) =>
        Passkeys(passkey.PartitionKey).TryReplaceAsync(passkey, cancellationToken);

    /// <summary>Deletes the passkey, then its index entry: the passkey is the authority, so it goes first.</summary>
    /// <returns>False when the passkey was already gone (a concurrent removal took it).</returns>
    public async Task<bool> DeleteAsync(PasskeyEntity passkey, CancellationToken cancellationToken)
    {
        // ETag.All: a sign-in that just saved its counter does not save the passkey from its owner's removal.
        var deleted = await Passkeys(passkey.PartitionKey).DeleteEntityAsync(passkey.PartitionKey, passkey.RowKey, ETag.All, cancellationToken);
        if (deleted.Status == 404)
        {
            return false;
        }

        var indexKey = IndexKeyOf(Base64Url.DecodeFromChars(passkey.CredentialId));
        var index = await CredentialIndex(indexKey).GetEntityIfExistsAsync<PasskeyCredentialIndexEntity>(indexKey, "", cancellationToken: cancellationToken);
        if (index.HasValue && index.Value!.PasskeyId == passkey.Id)
        {
            await DeleteIfUnchangedAsync(index.Value, cancellationToken);
        }

        return true;
    }

    private async Task<bool> TryTakeOverOrphanAsync(PasskeyCredentialIndexEntity claim, CancellationToken cancellationToken)
    {
        var existing = await CredentialIndex(claim.PartitionKey).GetEntityIfExistsAsync<PasskeyCredentialIndexEntity>(claim.PartitionKey, "", cancellationToken: cancellationToken);
        if (existing.HasValue
            && (time.GetUtcNow() - existing.Value!.CreatedAt < OrphanAge
                || await FindAsync(existing.Value.UserId, existing.Value.PasskeyId, cancellationToken) is not null))
        {
            return false;
        }

        try
        {
            if (existing.HasValue)
            {
                await CredentialIndex(claim.PartitionKey).UpdateEntityAsync(claim, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await CredentialIndex(claim.PartitionKey).AddEntityAsync(claim, cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException exception) when (exception.IsPreconditionFailed() || exception.IsNotFound() || exception.IsConflict())
        {
            // Someone else registered (or repaired) this credential id at the same moment.
            return false;
        }
    }

    private async Task DeleteIfUnchangedAsync(PasskeyCredentialIndexEntity index, CancellationToken cancellationToken)
    {
        try
        {
            await CredentialIndex(index.PartitionKey).DeleteEntityAsync(index.PartitionKey, index.RowKey, index.ETag, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.IsPreconditionFailed() || exception.IsNotFound())
        {
            // Taken over by a new registration meanwhile: it is that passkey's now.
        }
    }

    private static string IndexKeyOf(byte[] credentialId) => Convert.ToHexStringLower(SHA256.HashData(credentialId));

    private static bool IsKeySafe(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);
}

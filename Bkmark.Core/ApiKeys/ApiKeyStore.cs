using Azure;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// API keys in Table Storage: credentials (the authority, found by one point read), the per-user
/// index and the active-key ledger (one partition per user).
/// </summary>
/// <remarks>
/// Write order on create: ledger slot, then index entry, then credential. A crash after the index
/// write leaves an index entry without a credential: nothing can authenticate with it, listing
/// hides it and deletes it once it is older than the create grace period, and revoking it by id
/// works. So a live credential always has an index entry its owner can see and revoke.
/// On revoke the order is the reverse: credential (the authority), then index, then ledger.
/// </remarks>
internal sealed class ApiKeyStore(BkmarkTables tables)
{
    private TableClient Credentials(string partitionKey) => tables[TableNames.ApiKeys, partitionKey];

    private TableClient Index(string userId) => tables[TableNames.ApiKeyIndex, userId];

    public Task<ApiKeyCredentialEntity?> FindCredentialAsync(string partitionKey, string rowKey, CancellationToken cancellationToken) =>
        Credentials(partitionKey).FindAsync<ApiKeyCredentialEntity>(partitionKey, rowKey, cancellationToken);

    public Task AddCredentialAsync(ApiKeyCredentialEntity credential, CancellationToken cancellationToken) =>
        Credentials(credential.PartitionKey).AddAsync(credential, cancellationToken);

    /// <summary>Deletes the credential if it is unchanged since it was read (the sweep, after retention).</summary>
    public Task<DeleteOutcome> TryDeleteCredentialAsync(ApiKeyCredentialEntity credential, CancellationToken cancellationToken) =>
        Credentials(credential.PartitionKey).TryDeleteAsync(credential, cancellationToken);

    /// <returns>False when the credential changed since it was read (a lost race) or is gone.</returns>
    public Task<bool> TryReplaceCredentialAsync(ApiKeyCredentialEntity credential, CancellationToken cancellationToken) =>
        Credentials(credential.PartitionKey).TryReplaceAsync(credential, cancellationToken);

    /// <summary>
    /// Writes only <c>LastUsedAt</c> with the client's address and browser (one merge, no extra write), and
    /// only if the credential is as it was read: a revocation or a scope change written meanwhile is never overwritten.
    /// </summary>
    /// <returns>False when another write came first (on another instance, usually the same touch).</returns>
    public Task<bool> TryTouchAsync(ApiKeyCredentialEntity credential, DateTimeOffset now, ClientInfo client, CancellationToken cancellationToken)
    {
        var patch = new TableEntity(credential.PartitionKey, credential.RowKey)
        {
            [nameof(ApiKeyCredentialEntity.LastUsedAt)] = now,
            // Empty rather than null: a merge leaves a null property out, and an earlier request's browser would stay.
            [nameof(ApiKeyCredentialEntity.LastUsedIp)] = client.IpAddress ?? "",
            [nameof(ApiKeyCredentialEntity.LastUsedUserAgent)] = client.UserAgent ?? "",
        };
        return Credentials(credential.PartitionKey).TryMergeAsync(patch, credential.ETag, cancellationToken);
    }

    public Task<ApiKeyIndexEntity?> FindIndexAsync(string userId, string keyId, CancellationToken cancellationToken) =>
        Index(userId).FindAsync<ApiKeyIndexEntity>(userId, keyId, cancellationToken);

    /// <summary>The user's index entries (revoked ones included), oldest first: one partition query.</summary>
    public async Task<IReadOnlyList<ApiKeyIndexEntity>> ListIndexAsync(string userId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey ne {ApiKeyLedgerEntity.LedgerRowKey}");
        return await Index(userId).QueryAsync<ApiKeyIndexEntity>(filter, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
    }

    /// <summary>For the one-off expiry backfill: every user's index entries. Scans the whole table in every account; never on a request path.</summary>
    public IAsyncEnumerable<ApiKeyIndexEntity> ScanIndexAsync(CancellationToken cancellationToken) =>
        tables.EveryAccount(TableNames.ApiKeyIndex)
            .QueryAllAsync<ApiKeyIndexEntity>(TableClient.CreateQueryFilter($"RowKey ne {ApiKeyLedgerEntity.LedgerRowKey}"), select: null, cancellationToken);

    public Task AddIndexAsync(ApiKeyIndexEntity entry, CancellationToken cancellationToken) =>
        Index(entry.PartitionKey).AddAsync(entry, cancellationToken);

    /// <returns>False when the entry changed since it was read (a lost race) or is gone.</returns>
    public Task<bool> TryReplaceIndexAsync(ApiKeyIndexEntity entry, CancellationToken cancellationToken) =>
        Index(entry.PartitionKey).TryReplaceAsync(entry, cancellationToken);

    /// <summary>
    /// Sets only <c>RevokedAt</c> on the entry. A merge of one property that never goes back, so it needs no
    /// ETag; a concurrent rename (a Replace with the old ETag) then fails instead of clearing it.
    /// </summary>
    public async Task MarkIndexRevokedAsync(ApiKeyIndexEntity entry, DateTimeOffset revokedAt, CancellationToken cancellationToken)
    {
        var patch = new TableEntity(entry.PartitionKey, entry.RowKey) { [nameof(ApiKeyIndexEntity.RevokedAt)] = revokedAt };
        try
        {
            await Index(entry.PartitionKey).UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.IsNotFound())
        {
            // Removed meanwhile (an orphan repaired by a listing): nothing left to mark.
        }
    }

    /// <summary>Deletes an index entry whose credential was never written (a create that crashed).</summary>
    public async Task DeleteIndexAsync(ApiKeyIndexEntity entry, CancellationToken cancellationToken)
    {
        try
        {
            await Index(entry.PartitionKey).DeleteEntityAsync(entry.PartitionKey, entry.RowKey, entry.ETag, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.IsNotFound() || exception.IsPreconditionFailed())
        {
            // Already removed, or changed by someone who saw it later than we did: leave it to them.
        }
    }

    /// <summary>Deletes the entry whatever its ETag: its key is dead by its credential, so a rename no longer matters.</summary>
    /// <returns>False when it was already gone.</returns>
    public Task<bool> DeleteIndexIfExistsAsync(ApiKeyIndexEntity entry, CancellationToken cancellationToken) =>
        PartitionDeletes.DeleteIfExistsAsync(Index(entry.PartitionKey), entry.PartitionKey, entry.RowKey, ETag.All, cancellationToken);

    public Task<ApiKeyLedgerEntity?> FindLedgerAsync(string userId, CancellationToken cancellationToken) =>
        Index(userId).FindAsync<ApiKeyLedgerEntity>(userId, ApiKeyLedgerEntity.LedgerRowKey, cancellationToken);

    /// <summary>Creates the ledger (when it has no ETag yet) or replaces it if unchanged since it was read.</summary>
    /// <returns>False when another create or revoke wrote it first (a lost race).</returns>
    public Task<bool> TryWriteLedgerAsync(ApiKeyLedgerEntity ledger, CancellationToken cancellationToken) =>
        Index(ledger.PartitionKey).TryInsertOrReplaceAsync(ledger, cancellationToken);
}

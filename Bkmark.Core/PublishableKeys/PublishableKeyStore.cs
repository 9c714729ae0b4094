using Azure;

namespace Bkmark.Core.PublishableKeys;

/// <summary>Publishable keys in Table Storage: credentials (found by one point read) and the per-user index.</summary>
internal sealed class PublishableKeyStore(BkmarkTables tables)
{
    private TableClient Credentials(string partitionKey) => tables[TableNames.PublishableKeys, partitionKey];

    private TableClient Index(string userId) => tables[TableNames.PublishableKeyIndex, userId];

    public Task<PublishableKeyCredentialEntity?> FindCredentialAsync(string partitionKey, string rowKey, CancellationToken cancellationToken) =>
        Credentials(partitionKey).FindAsync<PublishableKeyCredentialEntity>(partitionKey, rowKey, cancellationToken);

    public Task AddCredentialAsync(PublishableKeyCredentialEntity credential, CancellationToken cancellationToken) =>
        Credentials(credential.PartitionKey).AddAsync(credential, cancellationToken);

    public Task<bool> DeleteCredentialIfExistsAsync(string partitionKey, string rowKey, CancellationToken cancellationToken) =>
        PartitionDeletes.DeleteIfExistsAsync(Credentials(partitionKey), partitionKey, rowKey, ETag.All, cancellationToken);

    public Task<PublishableKeyIndexEntity?> FindIndexAsync(string userId, string keyId, CancellationToken cancellationToken) =>
        Index(userId).FindAsync<PublishableKeyIndexEntity>(userId, keyId, cancellationToken);

    /// <summary>The user's keys, oldest first: one partition query.</summary>
    public async Task<IReadOnlyList<PublishableKeyIndexEntity>> ListIndexAsync(string userId, CancellationToken cancellationToken) =>
        await Index(userId).QueryAsync<PublishableKeyIndexEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {userId}"), cancellationToken: cancellationToken)
            .ToListAsync(cancellationToken);

    public Task AddIndexAsync(PublishableKeyIndexEntity entry, CancellationToken cancellationToken) =>
        Index(entry.PartitionKey).AddAsync(entry, cancellationToken);

    /// <returns>False when it was already gone.</returns>
    public Task<bool> DeleteIndexIfExistsAsync(PublishableKeyIndexEntity entry, CancellationToken cancellationToken) =>
        PartitionDeletes.DeleteIfExistsAsync(Index(entry.PartitionKey), entry.PartitionKey, entry.RowKey, ETag.All, cancellationToken);
}

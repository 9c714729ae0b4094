namespace Bkmark.Core.Maintenance;

/// <summary>
/// The sweep's tables: the expiry index (<see cref="TableNames.ExpiryIndex"/>, a partition per time bucket) and
/// the sweep's checkpoint (<see cref="TableNames.SweepState"/>), one of each per storage account (DESIGN.md §19). An
/// entry sits in the account of the entity it points at, so each account's sweep deletes only from that account.
/// </summary>
internal sealed class ExpiryIndexStore(BkmarkTables tables)
{
    /// <summary>How many accounts, each with its own index and checkpoint.</summary>
    public int Accounts => tables.Accounts;

    /// <summary>The account whose index holds the entry of a target in partition <paramref name="targetPartition"/>: the target's own.</summary>
    public int AccountOf(string targetPartition) => tables.Ranges.AccountOf(targetPartition);

    /// <summary>
    /// Writes entries of one partition (a bucket's shard) of one account's index, whether or not they exist (scheduling
    /// is idempotent): one request, a transaction when there are several. At most <see cref="PartitionDeletes.MaxTransactionActions"/> distinct RowKeys.
    /// </summary>
    public async Task UpsertAsync(int account, IReadOnlyList<ExpiryIndexEntity> bucketEntries, CancellationToken cancellationToken)
    {
        if (bucketEntries.Count == 1)
        {
            await Index(account).UpsertEntityAsync(bucketEntries[0], TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            await Index(account).SubmitTransactionAsync(bucketEntries.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
        }
    }

    /// <summary>
    /// Entries of one account's buckets from <paramref name="fromBucket"/> (inclusive) to <paramref name="beforeBucket"/>
    /// (exclusive), every shard of each and any unsharded partition, in bucket order: one range query over
    /// PartitionKey, paged by the service (a page ends at 1,000 entries or where the service moves to
    /// another partition server).
    /// </summary>
    public IAsyncEnumerable<ExpiryIndexEntity> ReadAsync(int account, string fromBucket, string beforeBucket, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {fromBucket} and PartitionKey lt {beforeBucket}");
        return Index(account).QueryAsync<ExpiryIndexEntity>(filter, cancellationToken: cancellationToken);
    }

    /// <summary>Removes handled entries of one partition (a bucket's shard) of one account's index, 100 per transaction.</summary>
    public Task RemoveAsync(int account, string partitionKey, IEnumerable<string> rowKeys, CancellationToken cancellationToken) =>
        PartitionDeletes.DeleteAsync(Index(account), partitionKey, rowKeys, cancellationToken);

    /// <summary>The account's checkpoint as stored, or a new one (no ETag) before the first run wrote it.</summary>
    public async Task<SweepCheckpointEntity> ReadCheckpointAsync(int account, CancellationToken cancellationToken) =>
        await State(account).FindAsync<SweepCheckpointEntity>(SweepCheckpointEntity.SweepPartition, SweepCheckpointEntity.CheckpointRow, cancellationToken)
        ?? new SweepCheckpointEntity();

    /// <summary>Creates the account's checkpoint, or replaces it if unchanged since it was read.</summary>
    /// <returns>False when a concurrent run wrote it first.</returns>
    public Task<bool> TryWriteCheckpointAsync(int account, SweepCheckpointEntity checkpoint, CancellationToken cancellationToken) =>
        State(account).TryInsertOrReplaceAsync(checkpoint, cancellationToken);

    private TableClient Index(int account) => tables.InAccount(account, TableNames.ExpiryIndex);

    private TableClient State(int account) => tables.InAccount(account, TableNames.SweepState);
}

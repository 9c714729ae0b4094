namespace Bkmark.Core.Maintenance;

/// <summary>
/// The sweep's tables: the expiry index (<see cref="TableNames.ExpiryIndex"/>, a partition per time bucket) and
/// the sweep's checkpoint (<see cref="TableNames.SweepState"/>).
/// </summary>
internal sealed class ExpiryIndexStore(BkmarkTables tables)
{
    private TableClient Index => tables[TableNames.ExpiryIndex];
    private TableClient State => tables[TableNames.SweepState];

    /// <summary>
    /// Writes entries of one partition (a bucket's shard), whether or not they exist (scheduling is idempotent): one request, a
    /// transaction when there are several. At most <see cref="PartitionDeletes.MaxTransactionActions"/> distinct RowKeys.
    /// </summary>
    public async Task UpsertAsync(IReadOnlyList<ExpiryIndexEntity> bucketEntries, CancellationToken cancellationToken)
    {
        if (bucketEntries.Count == 1)
        {
            await Index.UpsertEntityAsync(bucketEntries[0], TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            await Index.SubmitTransactionAsync(bucketEntries.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
        }
    }

    /// <summary>
    /// Entries of buckets from <paramref name="fromBucket"/> (inclusive) to <paramref name="beforeBucket"/>
    /// (exclusive), every shard of each and any unsharded partition, in bucket order: one range query over
    /// PartitionKey, paged by the service (a page ends at 1,000 entries or where the service moves to
    /// another partition server).
    /// </summary>
    public IAsyncEnumerable<ExpiryIndexEntity> ReadAsync(string fromBucket, string beforeBucket, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {fromBucket} and PartitionKey lt {beforeBucket}");
        return Index.QueryAsync<ExpiryIndexEntity>(filter, cancellationToken: cancellationToken);
    }

    /// <summary>Removes handled entries of one partition (a bucket's shard), 100 per transaction.</summary>
    public Task RemoveAsync(string partitionKey, IEnumerable<string> rowKeys, CancellationToken cancellationToken) =>
        PartitionDeletes.DeleteAsync(Index, partitionKey, rowKeys, cancellationToken);

    /// <summary>The checkpoint as stored, or a new one (no ETag) before the first run wrote it.</summary>
    public async Task<SweepCheckpointEntity> ReadCheckpointAsync(CancellationToken cancellationToken) =>
        await State.FindAsync<SweepCheckpointEntity>(SweepCheckpointEntity.SweepPartition, SweepCheckpointEntity.CheckpointRow, cancellationToken)
        ?? new SweepCheckpointEntity();

    /// <summary>Creates the checkpoint, or replaces it if unchanged since it was read.</summary>
    /// <returns>False when a concurrent run wrote it first.</returns>
    public Task<bool> TryWriteCheckpointAsync(SweepCheckpointEntity checkpoint, CancellationToken cancellationToken) =>
        State.TryInsertOrReplaceAsync(checkpoint, cancellationToken);
}

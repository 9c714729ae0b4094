using System.Runtime.CompilerServices;

namespace Bkmark.Core.SecurityLog;

/// <summary>
/// Security events in Table Storage: a partition per user, RowKey = <see cref="SecurityEventEntity.RowKeyOf"/>
/// (newest first), so a page is one range query and a day's events are one RowKey range.
/// </summary>
internal sealed class SecurityEventStore(BkmarkTables tables)
{
    private TableClient Table(string userId) => tables[TableNames.SecurityEvents, userId];

    public Task AddAsync(SecurityEventEntity entity, CancellationToken cancellationToken) =>
        Table(entity.PartitionKey).AddAsync(entity, cancellationToken);

    public Task<SecurityEventEntity?> FindAsync(string userId, string rowKey, CancellationToken cancellationToken) =>
        Table(userId).FindAsync<SecurityEventEntity>(userId, rowKey, cancellationToken);

    /// <summary>Inserts a new event or replaces the one read (If-Match on its ETag).</summary>
    /// <returns>False when another writer stored or changed it first: a lost race.</returns>
    public Task<bool> TrySaveAsync(SecurityEventEntity entity, CancellationToken cancellationToken) =>
        Table(entity.PartitionKey).TryInsertOrReplaceAsync(entity, cancellationToken);

    /// <summary>Up to <paramref name="count"/> of the user's events after <paramref name="afterRowKey"/> and newer than <paramref name="oldestRowKey"/>.</summary>
    public async Task<IReadOnlyList<SecurityEventEntity>> ListAsync(
        string userId, string? afterRowKey, string oldestRowKey, int count, CancellationToken cancellationToken)
    {
        var filter = afterRowKey is not null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey gt {afterRowKey} and RowKey lt {oldestRowKey}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey lt {oldestRowKey}");
        var events = new List<SecurityEventEntity>(count);
        await foreach (var entity in Table(userId).QueryAsync<SecurityEventEntity>(filter, maxPerPage: count, cancellationToken: cancellationToken))
        {
            events.Add(entity);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }

    /// <summary>
    /// Up to <paramref name="count"/> of the user's events of the given <paramref name="types"/> newer than
    /// <paramref name="oldestRowKey"/>, newest first: one range query, filtered by type in storage.
    /// </summary>
    public async Task<IReadOnlyList<SecurityEventEntity>> ListOfTypesAsync(
        string userId, IReadOnlyCollection<string> types, string oldestRowKey, int count, CancellationToken cancellationToken)
    {
        var ofTypes = string.Join(" or ", types.Select(type => TableClient.CreateQueryFilter($"Type eq {type}")));
        var filter = $"{TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey lt {oldestRowKey}")} and ({ofTypes})";
        var events = new List<SecurityEventEntity>();
        await foreach (var entity in Table(userId).QueryAsync<SecurityEventEntity>(filter, maxPerPage: count, cancellationToken: cancellationToken))
        {
            events.Add(entity);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }

    /// <summary>The user's newest event of <paramref name="type"/> newer than <paramref name="oldestRowKey"/>; a partition query, for support's reads only.</summary>
    public async Task<SecurityEventEntity?> FindNewestAsync(string userId, string type, string oldestRowKey, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey lt {oldestRowKey} and Type eq {type}");
        await foreach (var entity in Table(userId).QueryAsync<SecurityEventEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken))
        {
            return entity;
        }

        return null;
    }

    /// <summary>Deletes the user's events with RowKeys strictly between the two bounds; returns how many.</summary>
    public async Task<int> DeleteRangeAsync(string userId, string fromRowKey, string toRowKey, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey gt {fromRowKey} and RowKey lt {toRowKey}");
        var rowKeys = new List<string>();
        await foreach (var entity in Table(userId).QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            rowKeys.Add(entity.RowKey);
        }

        if (rowKeys.Count > 0)
        {
            await PartitionDeletes.DeleteAsync(Table(userId), userId, rowKeys, cancellationToken);
        }

        return rowKeys.Count;
    }

    /// <summary>Every stored event's user and time, for the expiry backfill: the table in every account.</summary>
    public async IAsyncEnumerable<(string UserId, DateTimeOffset OccurredAt)> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in tables.EveryAccount(TableNames.SecurityEvents).QueryAllAsync<SecurityEventEntity>(
            filter: null, select: ["PartitionKey", "RowKey", nameof(SecurityEventEntity.OccurredAt)], cancellationToken))
        {
            yield return (entity.PartitionKey, entity.OccurredAt);
        }
    }
}

using Azure;

namespace Bkmark.Core.Library.Groups;

/// <summary>Groups in the <see cref="TableNames.Library"/> table, beside the bookmarks of the same user.</summary>
internal sealed class GroupStore(BkmarkTables tables)
{
    private TableClient Library(string libraryId) => tables[TableNames.Library, libraryId];

    public async Task<GroupEntity?> FindAsync(string userId, string groupId, CancellationToken cancellationToken)
    {
        if (!IdGenerator.IsValid(groupId))
        {
            return null;
        }

        return await Library(userId).FindAsync<GroupEntity>(userId, GroupEntity.RowKeyOf(groupId), cancellationToken);
    }

    public async Task<IReadOnlyList<GroupEntity>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {userId} and RowKey ge {GroupEntity.RowKeyPrefix} and RowKey lt {GroupEntity.RowKeyEnd}");
        return await Library(userId).QueryAsync<GroupEntity>(filter, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
    }

    public Task AddAsync(GroupEntity group, CancellationToken cancellationToken) =>
        Library(group.PartitionKey).AddAsync(group, cancellationToken);

    /// <returns>False when the group changed or vanished since it was read (a lost race).</returns>
    public Task<bool> TryReplaceAsync(GroupEntity group, CancellationToken cancellationToken) =>
        Library(group.PartitionKey).TryReplaceAsync(group, cancellationToken);

    /// <returns>False when there was no such group.</returns>
    public async Task<bool> DeleteAsync(string userId, string groupId, CancellationToken cancellationToken)
    {
        // The SDK answers a delete of a missing entity with the 404 response instead of throwing.
        var response = await Library(userId).DeleteEntityAsync(userId, GroupEntity.RowKeyOf(groupId), ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>
    /// A transaction step that fails (404) unless the group exists when the transaction commits. A merge
    /// of no properties changes nothing the API shows, so a bookmark can never be filed into a group
    /// that a concurrent delete has just removed.
    /// </summary>
    public static TableTransactionAction ExistenceCheck(string userId, string groupId) =>
        new(TableTransactionActionType.UpdateMerge, new TableEntity(userId, GroupEntity.RowKeyOf(groupId)), ETag.All);
}

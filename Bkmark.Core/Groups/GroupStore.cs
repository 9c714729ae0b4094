using Azure;
using Azure.Data.Tables;
using Bkmark.Core.Credentials;
using Bkmark.Core.Storage;

namespace Bkmark.Core.Groups;

/// <summary>Groups in the <see cref="TableNames.Library"/> table, beside the bookmarks of the same user.</summary>
public sealed class GroupStore(BkmarkTables tables)
{
    private TableClient Library => tables[TableNames.Library];

    public async Task<GroupEntity?> FindAsync(string userId, string groupId, CancellationToken cancellationToken)
    {
        if (!IdGenerator.IsValid(groupId))
        {
            return null;
        }

        var response = await Library.GetEntityIfExistsAsync<GroupEntity>(userId, GroupEntity.RowKeyOf(groupId), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    public async Task<IReadOnlyList<GroupEntity>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {userId} and RowKey ge {GroupEntity.RowKeyPrefix} and RowKey lt {GroupEntity.RowKeyEnd}");
        var groups = new List<GroupEntity>();
        await foreach (var group in Library.QueryAsync<GroupEntity>(filter, cancellationToken: cancellationToken))
        {
            groups.Add(group);
        }

        return groups;
    }

    public async Task AddAsync(GroupEntity group, CancellationToken cancellationToken)
    {
        var response = await Library.AddEntityAsync(group, cancellationToken);
        group.ETag = response.Headers.ETag ?? default;
    }

    /// <returns>False when the group changed or vanished since it was read (a lost race).</returns>
    public async Task<bool> TryReplaceAsync(GroupEntity group, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Library.UpdateEntityAsync(group, group.ETag, TableUpdateMode.Replace, cancellationToken);
            group.ETag = response.Headers.ETag ?? group.ETag;
            return true;
        }
        catch (RequestFailedException exception) when (exception.IsPreconditionFailed() || exception.IsNotFound())
        {
            return false;
        }
    }

    /// <returns>False when there was no such group.</returns>
    public async Task<bool> DeleteAsync(string userId, string groupId, CancellationToken cancellationToken)
    {
        // The SDK answers a delete of a missing entity with the 404 response instead of throwing.
        var response = await Library.DeleteEntityAsync(userId, GroupEntity.RowKeyOf(groupId), ETag.All, cancellationToken);
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

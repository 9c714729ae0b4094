using Azure;

namespace Bkmark.Core.Credentials;

/// <summary>
/// Single-use tokens in Table Storage: each family in its own table (<see cref="TokenTable{T}"/>), and one entry per
/// token in <see cref="TableNames.SingleUseTokenHolders"/> under its holder, so a holder's tokens are found without a scan.
/// </summary>
internal sealed class SingleUseTokenStore(BkmarkTables tables)
{
    private TableClient Holders(string holderKey) => tables[TableNames.SingleUseTokenHolders, holderKey];

    /// <summary>A family's tokens as the sweep reads and deletes them.</summary>
    public SweepableTable<T> Sweepable<T>(TokenTable<T> table)
        where T : SingleUseToken => new(tables, table.Name);

    public Task<T?> FindAsync<T>(TokenTable<T> table, string partitionKey, string rowKey, CancellationToken cancellationToken)
        where T : SingleUseToken => tables[table.Name, partitionKey].FindAsync<T>(partitionKey, rowKey, cancellationToken);

    /// <summary>Stores a new token, its holder's entry first: a crash between leaves an entry pointing at nothing, never a token its holder cannot void.</summary>
    public async Task AddAsync<T>(TokenTable<T> table, T token, CancellationToken cancellationToken)
        where T : SingleUseToken
    {
        var holderKey = HolderKeyOf(token);
        await Holders(holderKey).AddAsync(
            new TokenHolderEntity
            {
                PartitionKey = holderKey,
                RowKey = HolderRowKeyOf(table, token),
                Purpose = token.Purpose,
                TokenTable = table.Name,
                TokenPartitionKey = token.PartitionKey,
                TokenRowKey = token.RowKey,
                ExpiresAt = token.ExpiresAt,
            },
            cancellationToken);
        await tables[table.Name, token.PartitionKey].AddAsync(token, cancellationToken);
    }

    /// <summary>Writes a spend or a void, conditional on the ETag read: of N concurrent writes exactly one succeeds.</summary>
    /// <returns>False when another write got there first. An update, not a delete: Azurite does not hold a conditional delete to its ETag under concurrency.</returns>
    public Task<bool> TryReplaceAsync<T>(TokenTable<T> table, T token, CancellationToken cancellationToken)
        where T : SingleUseToken => tables[table.Name, token.PartitionKey].TryReplaceAsync(token, cancellationToken);

    /// <summary>The entries of <paramref name="holderId"/>'s tokens in <paramref name="table"/>: one partition query.</summary>
    public async Task<IReadOnlyList<TokenHolderEntity>> ListHolderEntriesAsync<T>(TokenTable<T> table, string holderId, CancellationToken cancellationToken)
        where T : SingleUseToken
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {holderId} and TokenTable eq {table.Name}");
        return await Holders(holderId).QueryAsync<TokenHolderEntity>(filter, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
    }

    /// <summary>Deletes the token's holder entry, for the sweep; false when it is gone already (or the token predates entries).</summary>
    public async Task<bool> DeleteHolderEntryAsync<T>(TokenTable<T> table, T token, CancellationToken cancellationToken)
        where T : SingleUseToken
    {
        // The SDK answers a 404 (deleted meanwhile) as success, with that status.
        var holderKey = HolderKeyOf(token);
        var response = await Holders(holderKey).DeleteEntityAsync(holderKey, HolderRowKeyOf(table, token), ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>
    /// The holder's partition. A token bound to nobody (a reset asked for an address without an account) still gets
    /// an entry, so it costs the same writes as a real one; it goes in a partition of its own, which no user id can
    /// name (ULIDs have no '-').
    /// </summary>
    private static string HolderKeyOf(SingleUseToken token) =>
        token.HolderId.Length > 0 ? token.HolderId : "-" + token.PartitionKey;

    private static string HolderRowKeyOf<T>(TokenTable<T> table, T token)
        where T : SingleUseToken => $"{table.Name}|{token.PartitionKey}|{token.RowKey}";
}

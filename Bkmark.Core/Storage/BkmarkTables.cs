using System.Collections.Frozen;

namespace Bkmark.Core.Storage;

/// <summary>
/// Hands out <see cref="TableClient"/>s for the logical table names in <see cref="TableNames"/>: the one place that knows
/// there may be several storage accounts (DESIGN.md §19). An entity lives in the account <see cref="Ranges"/> maps its
/// partition key to, so a store names the partition key it reads or writes (<c>tables[TableNames.Users, userId]</c>);
/// only what reads a whole table (the sweep's index, the backfill's scans) goes over <see cref="EveryAccount"/>.
/// </summary>
public sealed class BkmarkTables
{
    // One client per table per account, made once: handing one out costs a lookup, and nothing else with one account.
    private readonly IReadOnlyList<FrozenDictionary<string, TableClient>> accounts;

    internal BkmarkTables(IReadOnlyList<TableServiceClient> services, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        var prefix = options.Value.TablePrefix;
        accounts = [.. services.Select(service => TableNames.All.ToFrozenDictionary(name => name, name => service.GetTableClient(prefix + name), StringComparer.Ordinal))];
        Ranges = new RangeTable(accounts.Count);
    }

    /// <summary>Which account each partition key belongs to.</summary>
    public RangeTable Ranges { get; }

    /// <summary>How many storage accounts the tables are spread over.</summary>
    public int Accounts => accounts.Count;

    /// <summary>The table that holds the entities of partition <paramref name="partitionKey"/>: in the account the range table names.</summary>
    public TableClient this[string logicalName, string partitionKey] => InAccount(Ranges.AccountOf(partitionKey), logicalName);

    /// <summary>The table as it is in one account: for what is kept per account (the expiry index, the sweep's checkpoint).</summary>
    public TableClient InAccount(int account, string logicalName) => accounts[account][logicalName];

    /// <summary>The table in every account, account 0 first: for the few reads of a whole table, which merge what each holds.</summary>
    public IEnumerable<TableClient> EveryAccount(string logicalName) => accounts.Select(tables => tables[logicalName]);

    /// <summary>Creates every table that does not exist yet, in every account. Idempotent; run once at start-up.</summary>
    public async Task CreateAllAsync(CancellationToken cancellationToken)
    {
        for (var account = 0; account < Accounts; account++)
        {
            await CreateAllAsync(account, cancellationToken);
        }
    }

    /// <summary>Creates every table that does not exist yet in one account.</summary>
    public async Task CreateAllAsync(int account, CancellationToken cancellationToken)
    {
        foreach (var table in accounts[account].Values)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
        }
    }
}

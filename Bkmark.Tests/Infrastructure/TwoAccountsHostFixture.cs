using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Bkmark.Core.Accounts;
using Bkmark.Core.ApiKeys;

namespace Bkmark.Tests.Infrastructure;

/// <summary>
/// The local host with its tables spread over two storage accounts (DESIGN.md §19, <c>Storage:Accounts:0</c> and <c>:1</c>):
/// by default the tests' Azurite and the second one test.sh starts. Storage requests are counted (each names its
/// account's host and port), accounts start on the Team plan, and each account's tables can be read directly, with a
/// client of the test's own, to see where an entity landed.
/// </summary>
public class TwoAccountsHostFixture : LocalHostFixture
{
    private readonly IReadOnlyList<string> accounts;

    public TwoAccountsHostFixture()
        : this(AzuriteStorage.ConnectionString, AzuriteStorage.SecondConnectionString)
    {
    }

    protected TwoAccountsHostFixture(string account0, string account1)
        : base(new Dictionary<string, string?> { ["Storage:Accounts:0"] = account0, ["Storage:Accounts:1"] = account1 })
    {
        accounts = [account0, account1];
    }

    public StorageRequestCounter StorageRequests { get; } = new();

    /// <summary>The host's own range table: where it puts a partition.</summary>
    public RangeTable Ranges => Services.GetRequiredService<BkmarkTables>().Ranges;

    protected override bool RunsQueueTriggers => false;

    protected override string DefaultPlan => Plans.Team;

    /// <summary>The host and port of <paramref name="account"/>'s table service, as a storage request's URI shows it.</summary>
    public string AuthorityOf(int account) => AzuriteStorage.TableEndpointOf(accounts[account]).Authority;

    /// <summary>The host's table <paramref name="table"/> as it is in one account, read past the service.</summary>
    public TableClient Direct(int account, string table) => new TableServiceClient(accounts[account]).GetTableClient(TablePrefix + table);

    /// <summary>Every entity of every table of the host, in both accounts, with the account it was found in.</summary>
    public async Task<IReadOnlyList<StoredRow>> ReadEverythingAsync()
    {
        var rows = new List<StoredRow>();
        foreach (var account in new[] { 0, 1 })
        {
            foreach (var table in TableNames.All)
            {
                await foreach (var entity in Direct(account, table).QueryAsync<TableEntity>())
                {
                    rows.Add(new StoredRow(account, table, entity));
                }
            }
        }

        return rows;
    }

    /// <summary>
    /// Where the range table says <paramref name="row"/> belongs: its partition key's account; an expiry index entry in its
    /// target's account; a sweep checkpoint wherever it is (each account has its own).
    /// </summary>
    public int ExpectedAccountOf(StoredRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Table switch
        {
            TableNames.ExpiryIndex => Ranges.AccountOf(row.Entity.GetString("TargetPartition")),
            TableNames.SweepState => row.Account,
            _ => Ranges.AccountOf(row.Entity.PartitionKey),
        };
    }

    /// <summary>Signs up users until one lives in each account (a user id lands in either with even odds): the user of account i at [i].</summary>
    public async Task<IReadOnlyList<SignedInUser>> SignUpInEachAccountAsync()
    {
        var found = new SignedInUser?[2];
        for (var attempt = 0; attempt < 30 && found.Any(user => user is null); attempt++)
        {
            var user = await SignUpAsync();
            found[Ranges.AccountOf(user.Id)] ??= user;
        }

        return [.. found.Select(user => user ?? throw new InvalidOperationException("30 sign-ups all landed in one account."))];
    }

    /// <summary>
    /// Creates API keys with <paramref name="accessToken"/> until one's credential lives in each account: the key of account
    /// i at [i]. Each is used once: a key's first use of the day leases its rate window (in the account its id maps to),
    /// so the next verifies of this minute read only the credential.
    /// </summary>
    public async Task<IReadOnlyList<string>> KeysInEachAccountAsync(string accessToken)
    {
        var found = new string?[2];
        for (var attempt = 0; attempt < 30 && found.Any(key => key is null); attempt++)
        {
            var created = await SendForJsonAsync(
                HttpMethod.Post, "api/v1/api-keys", new { name = "placed", scopes = new[] { "bookmarks:read" } }, accessToken, HttpStatusCode.Created);
            var key = created.GetProperty("key").GetString()!;
            found[Ranges.AccountOf(CredentialPartitionOf(key))] ??= key;
        }

        var keys = found.Select(key => key ?? throw new InvalidOperationException("30 keys all landed in one account.")).ToList();
        foreach (var key in keys)
        {
            (await SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).EnsureSuccessStatusCode();
        }

        return keys;
    }

    /// <summary>The partition of an API key's credential: the hash of its public prefix.</summary>
    public static string CredentialPartitionOf(string key) => Bkmark.Core.Credentials.CredentialHasher.PartitionOf(ApiKeyFormat.KeyPrefixOf(key));

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<HttpPipelinePolicy>(StorageRequests);
}

/// <summary>One entity as found in one account's table.</summary>
public sealed record StoredRow(int Account, string Table, TableEntity Entity)
{
    public string PartitionKey => Entity.PartitionKey;

    public override string ToString() => $"{Table}({Entity.PartitionKey}, {Entity.RowKey}) in account {Account}";
}

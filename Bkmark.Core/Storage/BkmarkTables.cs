namespace Bkmark.Core.Storage;

/// <summary>Hands out <see cref="TableClient"/>s for the logical table names in <see cref="TableNames"/>.</summary>
public sealed class BkmarkTables(TableServiceClient service, IOptions<StorageOptions> options)
{
    private readonly string prefix = options.Value.TablePrefix;

    public TableServiceClient Service => service;

    public TableClient this[string logicalName] => service.GetTableClient(prefix + logicalName);

    /// <summary>Creates every table that does not exist yet. Idempotent; run once at start-up.</summary>
    public async Task CreateAllAsync(CancellationToken cancellationToken)
    {
        foreach (var name in TableNames.All)
        {
            await this[name].CreateIfNotExistsAsync(cancellationToken);
        }
    }
}

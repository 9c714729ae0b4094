namespace Bkmark.Core.Lifecycle;

/// <summary>The lifecycle's link tokens in Table Storage.</summary>
internal sealed class LifecycleTokenStore(BkmarkTables tables)
{
    private TableClient Tokens => tables[TableNames.LifecycleTokens];

    /// <summary>Tokens as the sweep reads and deletes them.</summary>
    public SweepableTable<LifecycleTokenEntity> Sweepable => new(Tokens);

    public Task<LifecycleTokenEntity?> FindAsync(string partitionKey, string rowKey, CancellationToken cancellationToken) =>
        Tokens.FindAsync<LifecycleTokenEntity>(partitionKey, rowKey, cancellationToken);

    public Task AddAsync(LifecycleTokenEntity token, CancellationToken cancellationToken) =>
        Tokens.AddAsync(token, cancellationToken);

    /// <summary>
    /// Marks the token used, conditional on its ETag: of N concurrent uses exactly one writes. An update, not a
    /// delete: Azurite does not hold a conditional delete to its ETag under concurrency.
    /// </summary>
    /// <returns>False when another use got there first.</returns>
    public Task<bool> TryMarkUsedAsync(LifecycleTokenEntity token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        token.UsedAt = now;
        return Tokens.TryReplaceAsync(token, cancellationToken);
    }
}

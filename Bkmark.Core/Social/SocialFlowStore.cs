using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Social;

/// <summary>
/// What a social sign-in keeps between its steps, in Table Storage (any instance may get the next step):
/// the started flow, found by its <c>state</c>, and the pending sign-in the callback hands the page. Each is
/// found by one point read on the HMAC of its secret (nothing raw is stored), expires, and is taken at most
/// once even when presented twice at the same moment.
/// </summary>
internal sealed class SocialFlowStore(BkmarkTables tables, CredentialHasher hasher, ExpiryIndex expiry)
{
    /// <summary>Flows as the sweep reads and deletes them.</summary>
    public SweepableTable<SocialFlowEntity> Sweepable => new(tables, TableNames.SocialFlows);

    /// <summary>Stores <paramref name="entity"/> under the hash of <paramref name="secret"/>, its sweep scheduled first.</summary>
    public async Task AddAsync(string secret, SocialFlowEntity entity, CancellationToken cancellationToken)
    {
        entity.PartitionKey = hasher.Hash(secret);
        await expiry.ScheduleAsync(SocialFlowExpiryHandler.KindName, entity.PartitionKey, entity.RowKey, entity.ExpiresAt, cancellationToken);
        await Flows(entity.PartitionKey).AddAsync(entity, cancellationToken);
    }

    /// <summary>The live (unconsumed, unexpired) entry of <paramref name="kind"/> for <paramref name="secret"/>, or null.</summary>
    public async Task<SocialFlowEntity?> FindAsync(string secret, string kind, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var partitionKey = hasher.Hash(secret);
        var entity = await Flows(partitionKey).FindAsync<SocialFlowEntity>(partitionKey, kind, cancellationToken);
        return entity is { ConsumedAt: null } && now < entity.ExpiresAt ? entity : null;
    }

    /// <summary>
    /// Marks the entry taken, conditional on the ETag it was read with, then deletes it. Of two requests
    /// taking one entry, exactly one gets true. An update rather than a delete decides it: Azurite does not
    /// hold a conditional delete to its ETag under concurrency.
    /// </summary>
    public async Task<bool> TryConsumeAsync(SocialFlowEntity entity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        entity.ConsumedAt = now;
        if (!await Flows(entity.PartitionKey).TryReplaceAsync(entity, cancellationToken))
        {
            return false;
        }

        // Tidiness: a taken entry that stays is refused by ConsumedAt and swept when it expires.
        await Flows(entity.PartitionKey).TryDeleteAsync(entity, cancellationToken);
        return true;
    }

    private TableClient Flows(string partitionKey) => tables[TableNames.SocialFlows, partitionKey];
}

/// <summary>
/// A started flow (RowKey <see cref="FlowKind"/>, keyed by its <c>state</c>) or a pending sign-in (RowKey
/// <see cref="PendingSignInKind"/>, keyed by the token in the page's cookie). PartitionKey = HMAC of that secret.
/// </summary>
internal sealed class SocialFlowEntity : StoredEntity, IExpiringEntity
{
    public const string FlowKind = "flow";
    public const string PendingSignInKind = "pending";

    public string Provider { get; set; } = "";

    /// <summary>For a flow: one of <see cref="SocialFlowPurpose"/>.</summary>
    public string Purpose { get; set; } = "";

    /// <summary>For a link: the signed-in user who started it. For a pending sign-in: who is signing in.</summary>
    public string UserId { get; set; } = "";

    /// <summary>HMAC of the browser-binding cookie the flow was started with: the callback must come from that browser.</summary>
    public string BindingHash { get; set; } = "";

    /// <summary>The redirect URI the authorization request named; the token request must name it again.</summary>
    public string RedirectUri { get; set; } = "";

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? ConsumedAt { get; set; }
}

internal static class SocialFlowPurpose
{
    public const string SignIn = "signin";
    public const string Link = "link";
}

/// <summary>Sweeps flows nobody finished and pending sign-ins nobody completed (a finished one deletes itself).</summary>
internal sealed class SocialFlowExpiryHandler(SocialFlowStore store)
    : FixedExpiryHandler<SocialFlowEntity>(store.Sweepable, KindName)
{
    public const string KindName = "social-flow";
}

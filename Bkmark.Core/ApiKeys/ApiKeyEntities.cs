using System.Runtime.Serialization;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// The authority for authenticating a key. PartitionKey = <c>CredentialHasher.PartitionOf(keyPrefix)</c>,
/// RowKey = HMAC-SHA256(pepper, key): found by one point read; the raw key is never stored. Revoked
/// and expired keys stay (with <see cref="RevokedAt"/> / <see cref="ExpiresAt"/>) so callers get
/// <c>TOKEN_REVOKED</c> / <c>TOKEN_EXPIRED</c>; the sweep deletes them after the retention period.
/// </summary>
internal sealed class ApiKeyCredentialEntity : StoredEntity
{
    public string KeyId { get; set; } = "";
    /// <summary>Who created the key (for an organisation's key: the admin who did; the key outlives their membership).</summary>
    public string UserId { get; set; } = "";

    /// <summary>
    /// Set for an organisation's key: it acts on that organisation's library only, and on no account route.
    /// Kept here so the request path still needs only the credential's one point read.
    /// </summary>
    public string? OrganisationId { get; set; }

    public string KeyPrefix { get; set; } = "";

    /// <summary>Space-separated scope names, in the order granted.</summary>
    public string Scopes { get; set; } = "";

    public int RateLimitPerMinute { get; set; }

    /// <summary><see cref="KeyEnvironment"/>; keys stored before test keys existed lack it and read as live.</summary>
    public string Environment { get; set; } = KeyEnvironment.Live;

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>
    /// Set while the owner's plan has no API access (a downgrade to free): the key answers 403
    /// <c>API_ACCESS_PRO_REQUIRED</c> until the plan allows keys again. Kept here so the request path
    /// still needs only the credential's one point read.
    /// </summary>
    public bool ApiAccessSuspended { get; set; }

    /// <summary>
    /// Set while Bkmark support has its owner's account locked (DESIGN §16): the key answers 403 <c>ACCOUNT_LOCKED</c>
    /// until the unlock clears it. Kept here so the request path still needs only the credential's one point read.
    /// </summary>
    public bool AccountLocked { get; set; }

    /// <summary>
    /// Set on a rolled key's previous value (DESIGN §10): from this moment it answers <c>TOKEN_REVOKED</c>.
    /// Kept apart from <see cref="RevokedAt"/>, which means "revoked now", so a value still in its grace stays live.
    /// </summary>
    public DateTimeOffset? RetiresAt { get; set; }

    /// <summary>Space-separated CIDR ranges the key may be used from (<see cref="AllowedIpRanges"/>); empty means anywhere.</summary>
    public string AllowedIps { get; set; } = "";

    /// <summary>The client address and browser of the request that last wrote <see cref="LastUsedAt"/>; written with it.</summary>
    public string? LastUsedIp { get; set; }

    public string? LastUsedUserAgent { get; set; }

    [IgnoreDataMember]
    public bool IsTest => Environment == KeyEnvironment.Test;

    /// <summary>The partition the key's index entry lives in: its organisation's library id for an organisation's key, else its creator's id.</summary>
    [IgnoreDataMember]
    public string OwnerId => OrganisationId is { } organisationId ? LibraryIds.Organisation(organisationId) : UserId;

    [IgnoreDataMember]
    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [IgnoreDataMember]
    public IReadOnlyList<string> AllowedIpList => AllowedIps.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The credential of a rolled key's new value: a copy of this one (scopes, limits, fence, owner and whatever a
    /// later field adds) under the new value's keys, live until the key itself ends.
    /// </summary>
    public ApiKeyCredentialEntity SuccessorFor(string partitionKey, string rowKey, string keyPrefix)
    {
        var successor = (ApiKeyCredentialEntity)MemberwiseClone();
        successor.PartitionKey = partitionKey;
        successor.RowKey = rowKey;
        successor.KeyPrefix = keyPrefix;
        successor.RetiresAt = null;
        successor.ETag = default;
        successor.Timestamp = null;
        return successor;
    }

    /// <summary>Whether this value still authenticates at <paramref name="now"/> as far as revocation goes (expiry aside).</summary>
    public bool IsRetiredAt(DateTimeOffset now) => RevokedAt is not null || RetiresAt is { } retiresAt && now >= retiresAt;
}

/// <summary>
/// A user's key as listed. PartitionKey = user id (an organisation's key: the organisation's library id), RowKey = key id (a ULID), so listing is one
/// partition query. Written before the credential (see <see cref="ApiKeyStore"/>); holds the
/// credential's keys so revoking by id needs no search.
/// </summary>
internal sealed class ApiKeyIndexEntity : StoredEntity
{
    public string UserId => PartitionKey;
    public string KeyId => RowKey;
    public string Name { get; set; } = "";
    public string KeyPrefix { get; set; } = "";
    public string CredentialPartition { get; set; } = "";
    public string CredentialRow { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>
    /// After a roll: the credential of the value it replaced, live until <see cref="PreviousExpiresAt"/>. The index
    /// names it so a revoke or an edit reaches it too, and the sweep can finish a roll that stopped half-way.
    /// </summary>
    public string? PreviousCredentialPartition { get; set; }

    public string? PreviousCredentialRow { get; set; }

    public DateTimeOffset? PreviousExpiresAt { get; set; }

    /// <summary>The expiry the 7-day warning email was sent for (a new expiry gets its own warning).</summary>
    public DateTimeOffset? WeekWarningSentFor { get; set; }

    /// <summary>The expiry the 1-day warning email was sent for.</summary>
    public DateTimeOffset? DayWarningSentFor { get; set; }
}

/// <summary>
/// The user's active-key ledger, in the index partition (RowKey <see cref="LedgerRowKey"/>; ULIDs are
/// upper-case, so it never collides with a key id). It lists the key ids holding a slot of the plan's
/// limit; creates and revokes change it only with its ETag, so concurrent creates cannot overshoot.
/// </summary>
internal sealed class ApiKeyLedgerEntity : StoredEntity
{
    public const string LedgerRowKey = "ledger";

    public ApiKeyLedgerEntity() => RowKey = LedgerRowKey;

    /// <summary>JSON array of <see cref="KeySlot"/>.</summary>
    public string Slots { get; set; } = "[]";
}

/// <summary>One slot of the active-key limit: a key id and when it stops counting (its expiry).</summary>
internal sealed record KeySlot(string Id, DateTimeOffset? ExpiresAt);

/// <summary>
/// How many requests of one fixed minute instances have leased for a key. PartitionKey = key id,
/// RowKey = the window's start (<c>yyyyMMddHHmm</c>, UTC). Raised with its ETag, so the leases of all
/// instances together never exceed the key's limit.
/// </summary>
internal sealed class RateWindowEntity : StoredEntity
{
    public int Count { get; set; }

    /// <summary>The window's end; the sweep deletes windows past it.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

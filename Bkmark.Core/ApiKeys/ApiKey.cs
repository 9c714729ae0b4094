namespace Bkmark.Core.ApiKeys;

/// <summary>
/// A key as listed and returned after an update: never the raw key. <c>LastUsedIp</c> and <c>LastUsedUserAgent</c>
/// are the §2 client address and browser of the request that last wrote <c>LastUsedAt</c>; <c>PreviousExpiresAt</c>
/// is, after a roll, when the value it replaced stops working (null once it has).
/// </summary>
public sealed record ApiKeyInfo(
    string Id,
    string Name,
    string KeyPrefix,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    int RateLimitPerMinute,
    IReadOnlyList<string> AllowedIps,
    string? LastUsedIp,
    string? LastUsedUserAgent,
    DateTimeOffset? PreviousExpiresAt)
{
    /// <summary><see cref="KeyEnvironment"/>: <c>live</c>, or <c>test</c> for a key that acts on the sandbox.</summary>
    public required string Environment { get; init; }
}

/// <summary>The answer to a create: the only time the raw <see cref="Key"/> is ever shown.</summary>
public sealed record CreatedApiKey(
    string Id,
    string Name,
    string Key,
    string KeyPrefix,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt)
{
    /// <inheritdoc cref="ApiKeyInfo.Environment"/>
    public required string Environment { get; init; }

    // A record prints every member; keep the raw key out of any log or debugger string.
    public override string ToString() => $"{nameof(CreatedApiKey)} {{ Id = {Id}, KeyPrefix = {KeyPrefix} }}";
}

/// <summary>What a caller asks for when creating a key, as parsed from the request (not yet validated).</summary>
public sealed record NewApiKey(string? Name, IReadOnlyList<string?>? Scopes, DateTimeOffset? ExpiresAt, int? RateLimitPerMinute)
{
    /// <summary><see cref="KeyEnvironment"/>; absent means the creator's own (live for a session).</summary>
    public string? Environment { get; init; }

    /// <summary>CIDR ranges the key may be used from; absent means the creating key's own fence (anywhere for a session).</summary>
    public IReadOnlyList<string?>? AllowedIps { get; init; }
}

/// <summary>
/// A partial update: the fields present are changed; <see cref="Scopes"/> replaces the set, <see cref="AllowedIps"/>
/// replaces the ranges (an empty list allows any address).
/// </summary>
public sealed record ApiKeyChanges(
    string? Name,
    IReadOnlyList<string?>? Scopes,
    int? RateLimitPerMinute = null,
    DateTimeOffset? ExpiresAt = null,
    IReadOnlyList<string?>? AllowedIps = null);

/// <summary>The answer to a roll: the key's new raw value, shown this once, and when the previous value stops working.</summary>
public sealed record RolledApiKey(
    string Id,
    string Name,
    string Key,
    string KeyPrefix,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset PreviousExpiresAt)
{
    // As CreatedApiKey: the raw key stays out of any log or debugger string.
    public override string ToString() => $"{nameof(RolledApiKey)} {{ Id = {Id}, KeyPrefix = {KeyPrefix} }}";
}

/// <summary>
/// Settings → Billing (<c>GET /me/plan</c>): the plan, its key allowance and the per-key rate limit (a new key's
/// default and most; 0 on a plan without API access).
/// </summary>
public sealed record PlanOverview(string Plan, KeyAllowance ApiKeys, int RateLimitPerMinute);

/// <summary>Keys neither revoked nor expired, and the most the plan allows at once (0 on a plan without API access).</summary>
public sealed record KeyAllowance(int Active, int Limit);

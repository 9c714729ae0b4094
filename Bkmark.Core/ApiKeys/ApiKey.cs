namespace Bkmark.Core.ApiKeys;

/// <summary>A key as listed and returned after an update: never the raw key.</summary>
public sealed record ApiKeyInfo(
    string Id,
    string Name,
    string KeyPrefix,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt)
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
}

/// <summary>A partial update: the fields present are changed; <see cref="Scopes"/> replaces the set.</summary>
public sealed record ApiKeyChanges(string? Name, IReadOnlyList<string?>? Scopes);

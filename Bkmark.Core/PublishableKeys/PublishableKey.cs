namespace Bkmark.Core.PublishableKeys;

/// <summary>A publishable key as created and listed: always in full, since it is meant to be embedded in web pages.</summary>
public sealed record PublishableKey(
    string Id,
    string Name,
    string Key,
    IReadOnlyList<string> GroupIds,
    IReadOnlyList<string> AllowedOrigins,
    DateTimeOffset CreatedAt);

/// <summary>What a caller asks for when creating a publishable key, as parsed from the request (not yet validated).</summary>
public sealed record NewPublishableKey(string? Name, IReadOnlyList<string?>? GroupIds, IReadOnlyList<string?>? AllowedOrigins);

namespace Bkmark.Core.Sessions;

/// <summary>A signed-in device as <c>GET /me/sessions</c> lists it.</summary>
public sealed record SessionView(
    string Id,
    string? UserAgent,
    string? IpAddress,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActiveAt,
    string AuthMethod,
    bool Current);

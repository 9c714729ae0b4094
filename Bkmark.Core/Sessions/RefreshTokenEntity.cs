using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Sessions;

/// <summary>
/// A refresh credential. PartitionKey = hash of the token's public prefix, RowKey = HMAC(pepper, token):
/// found by one point read; the raw token is never stored. Rotated tokens stay until they expire so
/// that a replay can be recognised (and the session ended) instead of looking merely unknown.
/// </summary>
internal sealed class RefreshTokenEntity : StoredEntity, IExpiringEntity
{
    public string UserId { get; set; } = "";
    public string SessionId { get; set; } = "";
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set, with the entity's ETag, by the one refresh that rotated this token.</summary>
    public DateTimeOffset? RotatedAt { get; set; }
}

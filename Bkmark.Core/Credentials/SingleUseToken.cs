using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Credentials;

/// <summary>
/// A stored single-use token (DESIGN.md §3): PartitionKey = hash of the token's public prefix, RowKey =
/// HMAC(pepper, token), so it is found by one point read and never stored raw. Spent by setting
/// <see cref="UsedAt"/> with the entity's ETag, voided by setting <see cref="VoidedAt"/> the same way; kept until
/// it expires, then swept. Each family of tokens derives from this with what its purposes carry.
/// </summary>
/// <remarks>
/// A family whose rows were stored before this base class keeps its own column names: it maps
/// <see cref="HolderId"/>, <see cref="Purpose"/> and <see cref="UsedAt"/> onto them with <c>[IgnoreDataMember]</c>.
/// </remarks>
internal abstract class SingleUseToken : StoredEntity, IExpiringEntity
{
    /// <summary>The <see cref="TokenPurpose{T}.Name"/> it was issued for; a token of one purpose is refused for the others.</summary>
    public abstract string Purpose { get; set; }

    /// <summary>Whose token (a user id; empty for one bound to nobody): a holder's outstanding tokens are listed and voided together.</summary>
    public abstract string HolderId { get; }

    public DateTimeOffset ExpiresAt { get; set; }

    public abstract DateTimeOffset? UsedAt { get; set; }

    /// <summary>Set when something that ends the holder's outstanding tokens happened (DESIGN.md §14): the token answers as spent.</summary>
    public DateTimeOffset? VoidedAt { get; set; }
}

/// <summary>
/// One outstanding token of a holder, in <see cref="TableNames.SingleUseTokenHolders"/>: PartitionKey = the holder
/// (<see cref="SingleUseTokenStore.HolderKeyOf"/>), RowKey = the token's table and keys. What lets a holder's tokens
/// be listed and voided without a scan; deleted by the sweep with its token.
/// </summary>
internal sealed class TokenHolderEntity : StoredEntity
{
    public string Purpose { get; set; } = "";
    public string TokenTable { get; set; } = "";
    public string TokenPartitionKey { get; set; } = "";
    public string TokenRowKey { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}

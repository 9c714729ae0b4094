using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Organisations;

/// <summary>
/// An organisation, in its own partition of the Organisations table (RowKey <see cref="RowKeyValue"/>; ULIDs
/// are upper-case, so it never collides with a member's row). Its <see cref="Roster"/> is the authority on who
/// is a member with which role: every change of membership is a read-modify-write of this row with its ETag,
/// so concurrent demotions, removals and departures are decided one after another and the last owner stays.
/// </summary>
internal sealed class OrganisationEntity : StoredEntity
{
    public const string RowKeyValue = "organisation";

    public OrganisationEntity() => RowKey = RowKeyValue;

    public string OrganisationId => PartitionKey;
    public string Name { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>JSON object: user id → role.</summary>
    public string Roster { get; set; } = "{}";

    /// <summary>Raised by every roster change; a member row written for an older version never overwrites a newer one.</summary>
    public long Version { get; set; }

    public Dictionary<string, string> ReadRoster() =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(Roster) ?? [];

    public void WriteRoster(Dictionary<string, string> roster)
    {
        Roster = JsonSerializer.Serialize(roster);
        Version++;
    }
}

/// <summary>
/// One member, beside the organisation's row (PartitionKey = organisation id, RowKey = user id): what a request
/// on <c>/orgs/{orgId}/…</c> reads with one point read. Derived from the roster after each change.
/// </summary>
internal sealed class MemberEntity : StoredEntity
{
    public string OrganisationId => PartitionKey;
    public string UserId => RowKey;
    public string Role { get; set; } = "";
    public string Email { get; set; } = "";
    public DateTimeOffset JoinedAt { get; set; }

    /// <summary>The <see cref="OrganisationEntity.Version"/> this row reflects.</summary>
    public long RosterVersion { get; set; }
}

/// <summary>
/// A user's organisations, for <c>GET /orgs</c>: PartitionKey = user id, RowKey = organisation id. Written
/// before the member row and deleted after it, so a member always finds their organisation; an entry without
/// a member row is not listed.
/// </summary>
internal sealed class MembershipEntity : StoredEntity
{
    public string UserId => PartitionKey;
    public string OrganisationId => RowKey;
    public string Name { get; set; } = "";
}

/// <summary>
/// An invitation, found by one point read of its token (DESIGN §3): PartitionKey = a hash of the token's public
/// prefix, RowKey = HMAC-SHA256(pepper, token). The token itself is only in the email. Accepted once, with the
/// ETag; the sweep deletes it after it expires.
/// </summary>
/// <remarks>
/// Each invitation is also listed for its organisation's managers (DESIGN §15): a second row of this type in the
/// same table, PartitionKey = <see cref="ListPartitionOf"/> (never a token hash's), RowKey = <see cref="InvitationId"/>,
/// naming its token's row so a revoke can spend it. The token's row names the listing's id.
/// </remarks>
internal sealed class InvitationEntity : StoredEntity, IExpiringEntity
{
    /// <summary>The partition an organisation's invitations are listed in.</summary>
    public static string ListPartitionOf(string organisationId) => "org-" + organisationId;

    public string InvitationId { get; set; } = "";
    public string OrganisationId { get; set; } = "";
    public string Email { get; set; } = "";
    public string Role { get; set; } = "";
    public string InvitedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }

    /// <summary>Set when a manager revoked it: the link then answers as an unknown one.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The inviter's address when it was sent, for the managers' list.</summary>
    public string InvitedByEmail { get; set; } = "";

    /// <summary>On a listing row: the token's row.</summary>
    public string? TokenPartition { get; set; }

    public string? TokenRow { get; set; }
}

using System.Runtime.Serialization;

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
/// An invitation (<see cref="SingleUseToken"/>): to which organisation, for which address, with which role, sent
/// by whom. Its table holds nothing else, so its purpose is not stored, and its spend keeps the column it always had.
/// </summary>
/// <remarks>
/// The organisation holds its invitations (<see cref="HolderOf"/>), so its managers list and revoke them through the
/// token service's holder entries (DESIGN §15); the sender is <see cref="InvitedBy"/>.
/// </remarks>
internal sealed class InvitationEntity : SingleUseToken
{
    [IgnoreDataMember]
    public override string Purpose { get; set; } = InvitationService.PurposeName;

    /// <summary>The holder an organisation's invitations are listed under.</summary>
    public static string HolderOf(string organisationId) => "org-" + organisationId;

    public string InvitationId { get; set; } = "";
    public string OrganisationId { get; set; } = "";
    public string Email { get; set; } = "";
    public string Role { get; set; } = "";
    public string InvitedBy { get; set; } = "";

    /// <summary>The organisation holds the invitation: it is among what its managers can list and revoke.</summary>
    [IgnoreDataMember]
    public override string HolderId => HolderOf(OrganisationId);

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }

    [IgnoreDataMember]
    public override DateTimeOffset? UsedAt
    {
        get => AcceptedAt;
        set => AcceptedAt = value;
    }

    /// <summary>The inviter's address when it was sent, for the managers' list.</summary>
    public string InvitedByEmail { get; set; } = "";
}

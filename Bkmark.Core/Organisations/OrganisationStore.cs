using Azure;

namespace Bkmark.Core.Organisations;

/// <summary>
/// Organisations in Table Storage: the organisation row and its members (one partition per organisation),
/// and each user's memberships (one partition per user). Invitations are single-use tokens (<see cref="InvitationService"/>).
/// </summary>
/// <remarks>
/// Joining writes the user's membership entry, then the roster, then the member row; leaving or removal goes
/// the other way (roster, member row, membership entry). A crash in between leaves a membership entry
/// without a member row, which listing skips.
/// </remarks>
internal sealed class OrganisationStore(BkmarkTables tables)
{
    private TableClient Organisations(string organisationId) => tables[TableNames.Organisations, organisationId];

    private TableClient Memberships(string userId) => tables[TableNames.OrganisationMemberships, userId];

    public Task<OrganisationEntity?> FindAsync(string organisationId, CancellationToken cancellationToken) =>
        Organisations(organisationId).FindAsync<OrganisationEntity>(organisationId, OrganisationEntity.RowKeyValue, cancellationToken);

    public Task AddAsync(OrganisationEntity organisation, CancellationToken cancellationToken) =>
        Organisations(organisation.PartitionKey).AddAsync(organisation, cancellationToken);

    /// <returns>False when the roster changed since it was read (a lost race).</returns>
    public Task<bool> TryReplaceAsync(OrganisationEntity organisation, CancellationToken cancellationToken) =>
        Organisations(organisation.PartitionKey).TryReplaceAsync(organisation, cancellationToken);

    /// <summary>Deletes the organisation's row if unchanged since it was read (nobody joined meanwhile).</summary>
    public Task<DeleteOutcome> TryDeleteAsync(OrganisationEntity organisation, CancellationToken cancellationToken) =>
        Organisations(organisation.PartitionKey).TryDeleteAsync(organisation, cancellationToken);

    /// <summary>The one point read that authorises a member's request on the organisation.</summary>
    public Task<MemberEntity?> FindMemberAsync(string organisationId, string userId, CancellationToken cancellationToken) =>
        Organisations(organisationId).FindAsync<MemberEntity>(organisationId, userId, cancellationToken);

    /// <summary>The organisation's member rows: one partition query.</summary>
    public async Task<IReadOnlyList<MemberEntity>> ListMembersAsync(string organisationId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {organisationId} and RowKey ne {OrganisationEntity.RowKeyValue}");
        return await Organisations(organisationId).QueryAsync<MemberEntity>(filter, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
    }

    /// <summary>Creates the member row or replaces it if unchanged since it was read.</summary>
    /// <returns>False when another change wrote it first.</returns>
    public Task<bool> TryWriteMemberAsync(MemberEntity member, CancellationToken cancellationToken) =>
        Organisations(member.PartitionKey).TryInsertOrReplaceAsync(member, cancellationToken);

    public Task<DeleteOutcome> TryDeleteMemberAsync(MemberEntity member, CancellationToken cancellationToken) =>
        Organisations(member.PartitionKey).TryDeleteAsync(member, cancellationToken);

    public Task AddMembershipAsync(MembershipEntity membership, CancellationToken cancellationToken) =>
        Memberships(membership.PartitionKey).UpsertEntityAsync(membership, TableUpdateMode.Replace, cancellationToken);

    public Task<bool> DeleteMembershipAsync(string userId, string organisationId, CancellationToken cancellationToken) =>
        PartitionDeletes.DeleteIfExistsAsync(Memberships(userId), userId, organisationId, ETag.All, cancellationToken);

    /// <summary>The user's membership entries: one partition query.</summary>
    public async Task<IReadOnlyList<MembershipEntity>> ListMembershipsAsync(string userId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {userId}");
        return await Memberships(userId).QueryAsync<MembershipEntity>(filter, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
    }
}

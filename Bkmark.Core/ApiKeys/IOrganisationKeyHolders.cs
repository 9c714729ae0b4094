namespace Bkmark.Core.ApiKeys;

/// <summary>
/// What API keys need to know of an organisation whose keys they are (DESIGN §15), answered by the Organisations
/// room, so this room never reads its tables.
/// </summary>
public interface IOrganisationKeyHolders
{
    /// <summary>Whether the organisation's keys may work: an owner of it is on the Team plan.</summary>
    Task<bool> MayHoldKeysAsync(string organisationId, CancellationToken cancellationToken);

    /// <summary>Where a notice about the organisation's keys goes: its owners' and admins' email addresses.</summary>
    Task<IReadOnlyList<string>> ManagerEmailsAsync(string organisationId, CancellationToken cancellationToken);
}

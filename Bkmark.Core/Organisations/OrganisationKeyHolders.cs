using Bkmark.Core.Accounts;
using Bkmark.Core.ApiKeys;

namespace Bkmark.Core.Organisations;

/// <summary>
/// An organisation's keys follow its owners' plans (DESIGN §15): they work while an owner is on the Team plan and
/// answer <c>API_ACCESS_PRO_REQUIRED</c> otherwise. The state is written onto the keys when a plan or the set of
/// owners changes, so verifying a key stays one point read. Also tells the keys' room who the managers are.
/// </summary>
internal sealed class OrganisationKeyHolders(OrganisationStore store, AccountDirectory users, ApiKeyPlans keyPlans) : IOrganisationKeyHolders, IPlanChangeHandler
{
    public async Task<bool> MayHoldKeysAsync(string organisationId, CancellationToken cancellationToken)
    {
        var organisation = IdGenerator.IsValid(organisationId) ? await store.FindAsync(organisationId, cancellationToken) : null;
        if (organisation is null)
        {
            return false;
        }

        foreach (var (userId, role) in organisation.ReadRoster())
        {
            if (role == OrganisationRoles.Owner && await users.FindByIdAsync(userId, cancellationToken) is { DeletedAt: null, Plan: Plans.Team })
            {
                return true;
            }
        }

        return false;
    }

    public async Task<IReadOnlyList<string>> ManagerEmailsAsync(string organisationId, CancellationToken cancellationToken)
    {
        var managers = (await store.ListMembersAsync(organisationId, cancellationToken)).Where(member => OrganisationRoles.CanManage(member.Role));
        // The account's address as it is now, not as it was when they joined.
        var accounts = await Task.WhenAll(managers.Select(member => users.FindByIdAsync(member.UserId, cancellationToken)));
        return accounts.OfType<Account>().Where(user => user.DeletedAt is null).Select(user => user.Email).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The user's plan changed: every organisation they own re-reads whether an owner is still on Team.</summary>
    public async Task ApplyPlanAsync(string userId, string plan, CancellationToken cancellationToken)
    {
        foreach (var membership in await store.ListMembershipsAsync(userId, cancellationToken))
        {
            if ((await store.FindMemberAsync(membership.OrganisationId, userId, cancellationToken))?.Role == OrganisationRoles.Owner)
            {
                await FollowOwnersAsync(membership.OrganisationId, cancellationToken);
            }
        }
    }

    /// <summary>Brings the organisation's keys in line with its owners' plans (after a plan change, or an owner added or removed). Idempotent.</summary>
    public async Task FollowOwnersAsync(string organisationId, CancellationToken cancellationToken)
    {
        var mayHold = await MayHoldKeysAsync(organisationId, cancellationToken);
        await keyPlans.FollowAsync(LibraryIds.Organisation(organisationId), suspended: !mayHold, mayHold ? "team owner" : "no team owner", cancellationToken);
    }
}

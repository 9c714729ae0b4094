using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Organisations;

/// <summary>
/// Sweeps invitations once they expire, accepted or not (keeping an accepted one until then lets a second accept
/// be answered as spent). Scheduled when the invitation is stored; its expiry is fixed.
/// </summary>
internal sealed class InvitationExpiryHandler(OrganisationStore store)
    : FixedExpiryHandler<InvitationEntity>(store.SweepableInvitations, KindName)
{
    public const string KindName = "organisation-invitation";
}

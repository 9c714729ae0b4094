namespace Bkmark.Core.Organisations;

/// <summary>Sweeps invitations once they expire, accepted or not (see <see cref="SingleUseTokenExpiryHandler{T}"/>).</summary>
internal sealed class InvitationExpiryHandler(SingleUseTokenStore store)
    : SingleUseTokenExpiryHandler<InvitationEntity>(store, InvitationService.Table)
{
    public const string KindName = "organisation-invitation";
}

namespace Bkmark.Core.Organisations;

/// <summary>Sweeps invitations once they expire, accepted or not (see <see cref="SingleUseTokenExpiryHandler{T}"/>).</summary>
internal sealed class InvitationExpiryHandler(SingleUseTokens tokens)
    : SingleUseTokenExpiryHandler<InvitationEntity>(tokens, InvitationService.Table)
{
    public const string KindName = "organisation-invitation";
}

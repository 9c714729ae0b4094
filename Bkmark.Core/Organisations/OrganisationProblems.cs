namespace Bkmark.Core.Organisations;

/// <summary>The problems only organisations produce.</summary>
public static class OrganisationProblems
{
    public static Problem TeamPlanRequired() =>
        new(ErrorCodes.TeamPlanRequired, "Organisations are part of the Team plan. Upgrade your plan to create one.");

    public static Problem RoleRequired(string what) =>
        new(ErrorCodes.OrganisationRoleRequired, $"Only the organisation's {what} may do this.");

    public static Problem LastOwner() =>
        new(ErrorCodes.LastOwner, "The organisation's last owner cannot leave, be demoted or be removed. Make another member an owner first.");

    public static Problem OwnerRequired(string organisationName) => new(
        ErrorCodes.OrganisationOwnerRequired,
        $"You are the only owner of the organisation \"{organisationName}\", which has other members. Make one of them an owner (or remove them) before deleting your account.");

    /// <summary>Not a member, or no such organisation: the same answer, so membership is not revealed.</summary>
    public static Problem NotFound() => Problems.NotFound("The organisation");
}

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

    /// <summary>Not a member, or no such organisation: the same answer, so membership is not revealed.</summary>
    public static Problem NotFound() => Problems.NotFound("The organisation");
}

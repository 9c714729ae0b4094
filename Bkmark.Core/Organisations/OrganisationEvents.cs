namespace Bkmark.Core.Organisations;

/// <summary>What an organisation's security event says: the organisation, and the member and role it concerns.</summary>
internal static class OrganisationEvents
{
    public static Dictionary<string, string> DetailsOf(string organisationId, string? memberId = null, string? role = null)
    {
        var details = new Dictionary<string, string> { ["organisationId"] = organisationId };
        if (memberId is not null)
        {
            details["userId"] = memberId;
        }

        if (role is not null)
        {
            details["role"] = role;
        }

        return details;
    }
}

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

    /// <summary>An invitation is named in the log by its id, role and address (the managers' log shows whom it was for).</summary>
    public static Dictionary<string, string> InvitationDetailsOf(string organisationId, InvitationView invitation)
    {
        var details = DetailsOf(organisationId, role: invitation.Role);
        details["invitationId"] = invitation.Id ?? "";
        details["email"] = invitation.Email;
        return details;
    }
}

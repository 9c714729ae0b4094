namespace Bkmark.Core.Library.Sandbox;

/// <summary>
/// The sandbox a user's test keys act on: a library of its own, partitioned apart from the live one. The id is
/// <c>test-{userId}</c> (agreed with organisations, whose libraries are <c>org-{orgId}</c>); user ids are ULIDs,
/// so no user's live library can ever have it.
/// </summary>
public static class SandboxLibrary
{
    public const string IdPrefix = "test-";

    public static string IdOf(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return IdPrefix + userId;
    }

    /// <summary>An organisation's sandbox (<c>test-org-{orgId}</c>), where its test keys act: apart from its live library.</summary>
    public static string OfOrganisation(string organisationId) => IdOf(LibraryIds.Organisation(organisationId));

    /// <summary>The sandbox <paramref name="caller"/> resets: its organisation's when it acts for one, else its own.</summary>
    public static string Of(Shared.Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.OrganisationId is { } organisationId ? OfOrganisation(organisationId) : IdOf(caller.UserId);
    }
}

namespace Bkmark.Core.Shared;

/// <summary>
/// The ids of libraries that are not a user's own (<see cref="Caller.LibraryId"/>). A user id is a ULID, so a
/// prefixed id can never be mistaken for one.
/// </summary>
public static class LibraryIds
{
    /// <summary>An organisation's library, and the partition its API keys are listed in.</summary>
    public static string Organisation(string organisationId) => "org-" + organisationId;
}

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
}

namespace Bkmark.Core.Organisations;

/// <summary>
/// The roles of DESIGN §12. Members read the organisation's library; admins and owners also write it, invite,
/// change roles and manage the organisation's keys; only owners make or unmake owners.
/// </summary>
public static class OrganisationRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";

    public static IReadOnlyList<string> All { get; } = [Owner, Admin, Member];

    /// <summary>What a member may do in the library: the read scopes (export is a read of everything).</summary>
    public static IReadOnlyList<string> MemberScopes { get; } =
        [Scopes.BookmarksRead, Scopes.TagsRead, Scopes.GroupsRead, Scopes.SearchRead, Scopes.Export];

    public static bool IsKnown(string? role) => role is Owner or Admin or Member;

    public static bool CanManage(string role) => role is Owner or Admin;

    public static IReadOnlyList<string> ScopesOf(string role) => CanManage(role) ? Scopes.All : MemberScopes;
}

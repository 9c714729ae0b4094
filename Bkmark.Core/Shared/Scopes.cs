namespace Bkmark.Core.Shared;

/// <summary>The scopes of DESIGN.md §2. Write implies read; import, export and destructive are opt-in only.</summary>
public static class Scopes
{
    public const string BookmarksRead = "bookmarks:read";
    public const string BookmarksWrite = "bookmarks:write";
    public const string TagsRead = "tags:read";
    public const string TagsWrite = "tags:write";
    public const string GroupsRead = "groups:read";
    public const string GroupsWrite = "groups:write";
    public const string SearchRead = "search:read";
    public const string Import = "import";
    public const string Export = "export";
    public const string Destructive = "destructive";

    public static IReadOnlyList<string> All { get; } =
    [
        BookmarksRead, BookmarksWrite, TagsRead, TagsWrite, GroupsRead, GroupsWrite, SearchRead, Import, Export, Destructive,
    ];

    private static readonly Dictionary<string, string> ImpliedBy = new()
    {
        [BookmarksRead] = BookmarksWrite,
        [TagsRead] = TagsWrite,
        [GroupsRead] = GroupsWrite,
    };

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);

    /// <summary>True when <paramref name="granted"/> allows <paramref name="required"/> (directly, or write for read).</summary>
    public static bool Allows(IReadOnlyCollection<string> granted, string required) =>
        granted.Contains(required) || ImpliedBy.TryGetValue(required, out var writer) && granted.Contains(writer);
}

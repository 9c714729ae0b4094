namespace Bkmark.Core.Library.Groups;

/// <summary>A group in the user's library partition: RowKey = <c>g-</c> + id (ULID, so listing is creation order).</summary>
internal sealed class GroupEntity : StoredEntity
{
    public const string RowKeyPrefix = "g-";
    public const string RowKeyEnd = "g.";

    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Readable with a publishable key that names the group (DESIGN.md §12); off until the owner turns it on.</summary>
    public bool Public { get; set; }

    public static string RowKeyOf(string id) => RowKeyPrefix + id.ToUpperInvariant();
}

/// <summary>A group as the API shows it; <c>bookmarkCount</c> is counted from the bookmarks, never stored.</summary>
public sealed record Group(string Id, string Name, string? Description, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int BookmarkCount)
{
    /// <summary>Whether publishable keys that name the group may read it.</summary>
    public bool Public { get; init; }

    internal static Group From(GroupEntity entity, int bookmarkCount) =>
        new(entity.Id, entity.Name, entity.Description, entity.CreatedAt, entity.UpdatedAt, bookmarkCount) { Public = entity.Public };
}

/// <summary>POST /groups body.</summary>
public sealed record GroupInput(string? Name, string? Description);

/// <summary>PATCH /groups/{id} body: absent fields stay, <c>description: null</c> clears it; <c>public</c> is true or false.</summary>
public sealed record GroupPatch(Bkmark.Core.Json.Optional<string?> Name, Bkmark.Core.Json.Optional<string?> Description)
{
    public Bkmark.Core.Json.Optional<bool?> Public { get; init; }
}

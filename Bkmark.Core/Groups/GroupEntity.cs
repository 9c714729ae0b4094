using Bkmark.Core.Storage;

namespace Bkmark.Core.Groups;

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

    public static string RowKeyOf(string id) => RowKeyPrefix + id.ToUpperInvariant();
}

/// <summary>A group as the API shows it; <c>bookmarkCount</c> is counted from the bookmarks, never stored.</summary>
public sealed record Group(string Id, string Name, string? Description, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int BookmarkCount)
{
    internal static Group From(GroupEntity entity, int bookmarkCount) =>
        new(entity.Id, entity.Name, entity.Description, entity.CreatedAt, entity.UpdatedAt, bookmarkCount);
}

/// <summary>POST /groups body.</summary>
public sealed record GroupInput(string? Name, string? Description);

/// <summary>PATCH /groups/{id} body: absent fields stay, <c>description: null</c> clears it.</summary>
public sealed record GroupPatch(Bkmark.Core.Json.Optional<string?> Name, Bkmark.Core.Json.Optional<string?> Description);

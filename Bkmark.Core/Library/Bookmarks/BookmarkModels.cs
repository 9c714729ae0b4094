using System.Text.Json.Serialization;
using Bkmark.Core.Json;

namespace Bkmark.Core.Library.Bookmarks;

/// <summary>A bookmark as the API shows it.</summary>
public sealed record Bookmark(
    string Id, string Url, string Title, string Notes, IReadOnlyList<string> Tags, string? GroupId, bool Favorite,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>When it was moved to the trash; absent for a bookmark that is not in the trash.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? TrashedAt { get; init; }

    internal static Bookmark From(BookmarkEntity entity) =>
        new(entity.Id, entity.Url, entity.Title, entity.Notes, entity.TagList, entity.GroupId, entity.Favorite, entity.CreatedAt, entity.UpdatedAt)
        {
            TrashedAt = entity.TrashedAt,
        };
}

/// <summary>One page of a list, and the opaque cursor of the next page (null on the last).</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, string? NextCursor);

/// <summary>POST /bookmarks body.</summary>
public sealed record BookmarkInput(string? Url, string? Title, string? Notes, IReadOnlyList<string?>? Tags, string? GroupId, bool? Favorite);

/// <summary>PATCH /bookmarks/{id} body: absent fields stay as they are; <c>groupId: null</c> ungroups.</summary>
public sealed record BookmarkPatch(
    Optional<string?> Url, Optional<string?> Title, Optional<string?> Notes, Optional<IReadOnlyList<string?>?> Tags,
    Optional<string?> GroupId, Optional<bool?> Favorite);

/// <summary>GET /bookmarks query: raw strings, validated by the service so the function stays thin.</summary>
public sealed record BookmarkQuery(string? Limit, string? Cursor, string? Tag, string? GroupId);

using Bkmark.Core.Library.Bookmarks;

namespace Bkmark.Core.Library.Groups;

/// <summary>A library's groups. Counts are derived from the bookmarks, so they cannot drift.</summary>
public sealed class GroupService
{
    public const int MaxDescriptionLength = 1000;

    private readonly GroupStore groups;
    private readonly BookmarkStore bookmarks;
    private readonly LibraryEditor editor;
    private readonly IdGenerator ids;
    private readonly TimeProvider time;

    // Internal because the stores it takes are; registered with AddServiceWithInternalConstructor.
    internal GroupService(
        GroupStore groups,
        BookmarkStore bookmarks,
        LibraryEditor editor,
        IdGenerator ids,
        TimeProvider time)
    {
        this.groups = groups;
        this.bookmarks = bookmarks;
        this.editor = editor;
        this.ids = ids;
        this.time = time;
    }

    public async Task<IReadOnlyList<Group>> ListAsync(string libraryId, CancellationToken cancellationToken)
    {
        var counts = await CountAsync(libraryId, cancellationToken);
        var list = await groups.ListAsync(libraryId, cancellationToken);
        return [.. list.Select(g => Group.From(g, counts.GetValueOrDefault(g.Id)))];
    }

    public async Task<Result<Group>> GetAsync(string libraryId, string groupId, CancellationToken cancellationToken)
    {
        var group = await groups.FindAsync(libraryId, groupId, cancellationToken);
        return group is null ? NotFound() : Group.From(group, (await CountAsync(libraryId, cancellationToken)).GetValueOrDefault(group.Id));
    }

    /// <summary>True when the library holds the group (one point read): a publishable key may only name groups that exist.</summary>
    public async Task<bool> ExistsAsync(string libraryId, string groupId, CancellationToken cancellationToken) =>
        await groups.FindAsync(libraryId, groupId, cancellationToken) is not null;

    /// <summary>True when the group exists and its owner has made it public (one point read).</summary>
    public async Task<bool> IsPublicAsync(string libraryId, string groupId, CancellationToken cancellationToken) =>
        await groups.FindAsync(libraryId, groupId, cancellationToken) is { Public: true };

    /// <summary>
    /// A group its owner has made public, counting only its own bookmarks (a public read never streams the whole
    /// library); NOT_FOUND for a group that is missing or private, so a reader cannot tell the two apart.
    /// </summary>
    public async Task<Result<Group>> GetPublicAsync(string libraryId, string groupId, CancellationToken cancellationToken)
    {
        var group = await groups.FindAsync(libraryId, groupId, cancellationToken);
        if (group is not { Public: true })
        {
            return NotFound();
        }

        var count = await bookmarks.StreamAsync(libraryId, trashed: false, groupId: group.Id, cancellationToken).CountAsync(cancellationToken);
        return Group.From(group, count);
    }

    public async Task<Result<Group>> CreateAsync(string libraryId, GroupInput input, CancellationToken cancellationToken)
    {
        var fields = Validate(input.Name, input.Description);
        if (!fields.Succeeded)
        {
            return fields.Problem;
        }

        var group = await AddAsync(libraryId, fields.Value.Name, fields.Value.Description, cancellationToken);
        return Group.From(group, 0);
    }

    public Task<Result<Group>> UpdateAsync(string libraryId, string groupId, GroupPatch patch, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<Group>(async () =>
        {
            var group = await groups.FindAsync(libraryId, groupId, cancellationToken);
            if (group is null)
            {
                return NotFound();
            }

            var fields = Validate(patch.Name.IsSet ? patch.Name.Value : group.Name, patch.Description.IsSet ? patch.Description.Value : group.Description);
            if (!fields.Succeeded)
            {
                return fields.Problem;
            }

            if (patch.Public is { IsSet: true, Value: null })
            {
                return Problems.Validation("public", "Public must be true or false.");
            }

            (group.Name, group.Description, group.UpdatedAt) = (fields.Value.Name, fields.Value.Description, time.GetUtcNow());
            group.Public = patch.Public.IsSet ? patch.Public.Value!.Value : group.Public;
            if (!await groups.TryReplaceAsync(group, cancellationToken))
            {
                return RaceAttempt.Lost;
            }

            return Group.From(group, (await CountAsync(libraryId, cancellationToken)).GetValueOrDefault(group.Id));
        });

    /// <summary>
    /// Deletes the group first, then ungroups its bookmarks. Once the group is gone no write can file a
    /// bookmark into it (every such write checks the group in its transaction), so the sweep misses none.
    /// </summary>
    public async Task<Result<bool>> DeleteAsync(string libraryId, string groupId, CancellationToken cancellationToken)
    {
        if (!IdGenerator.IsValid(groupId) || !await groups.DeleteAsync(libraryId, groupId, cancellationToken))
        {
            return NotFound();
        }

        await editor.EditAllAsync(libraryId, b => b.GroupId == groupId.ToUpperInvariant(), b => b.GroupId = null, cancellationToken);
        return true;
    }

    /// <summary>Creates a group (used by import as well, which has validated the name already).</summary>
    internal async Task<GroupEntity> AddAsync(string libraryId, string name, string? description, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = ids.NewId();
        var group = new GroupEntity
        {
            PartitionKey = libraryId,
            RowKey = GroupEntity.RowKeyOf(id),
            Id = id,
            Name = name,
            Description = description,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await groups.AddAsync(group, cancellationToken);
        return group;
    }

    internal static Result<(string Name, string? Description)> Validate(string? name, string? description)
    {
        var errors = new FieldErrors();
        var trimmedName = errors.Name("name", name);

        var trimmedDescription = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        if (trimmedDescription is { Length: > MaxDescriptionLength })
        {
            errors.Add("description", $"The description must be at most {MaxDescriptionLength} characters.");
        }

        return errors.Problem is { } invalid ? invalid : (trimmedName!, trimmedDescription);
    }

    private async Task<Dictionary<string, int>> CountAsync(string libraryId, CancellationToken cancellationToken)
    {
        // Streamed: only the counts are held, never the library.
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var bookmark in bookmarks.StreamAsync(libraryId, trashed: false, groupId: null, cancellationToken))
        {
            if (bookmark.GroupId is { } groupId)
            {
                counts[groupId] = counts.GetValueOrDefault(groupId) + 1;
            }
        }

        return counts;
    }

    private static Problem NotFound() => Problems.NotFound("The group");
}

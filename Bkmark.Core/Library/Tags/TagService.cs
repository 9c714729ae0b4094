using Bkmark.Core.Library.Bookmarks;

namespace Bkmark.Core.Library.Tags;

/// <summary>A tag and how many bookmarks (not in the trash) carry it.</summary>
public sealed record TagCount(string Name, int Count);

/// <summary>PATCH /tags/{name} body.</summary>
public sealed record TagRename(string? Name);

/// <summary>
/// Tags are not stored on their own: they live on the bookmarks, and counts are computed from one query
/// of the library's partition. Nothing can drift, at the price of a partition scan per listing.
/// </summary>
public sealed class TagService
{
    private readonly BookmarkStore bookmarks;
    private readonly LibraryEditor editor;

    // Internal because the stores it takes are; registered with AddServiceWithInternalConstructor.
    internal TagService(
        BookmarkStore bookmarks,
        LibraryEditor editor)
    {
        this.bookmarks = bookmarks;
        this.editor = editor;
    }

    public async Task<IReadOnlyList<TagCount>> ListAsync(string libraryId, CancellationToken cancellationToken)
    {
        // Streamed: only the counts are held, never the library.
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var bookmark in bookmarks.StreamAsync(libraryId, trashed: false, groupId: null, cancellationToken))
        {
            foreach (var tag in bookmark.TagList)
            {
                counts[tag] = counts.GetValueOrDefault(tag) + 1;
            }
        }

        return [.. counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new TagCount(p.Key, p.Value))];
    }

    /// <summary>Renames a tag on every bookmark; where the new name is there already, the two merge.</summary>
    public async Task<Result<TagCount>> RenameAsync(string libraryId, string name, TagRename rename, CancellationToken cancellationToken)
    {
        var to = rename.Name is null ? null : BookmarkRules.NormalizeTag(rename.Name);
        if (to is null)
        {
            return Problems.Validation("name", $"A tag must be 1 to {BookmarkRules.MaxTagLength} characters without commas or control characters.");
        }

        var from = BookmarkRules.NormalizeTag(name);
        if (from == to)
        {
            var unchanged = (await ListAsync(libraryId, cancellationToken)).FirstOrDefault(t => t.Name == to);
            return unchanged is null ? NotFound() : unchanged;
        }

        var edited = await editor.EditAllAsync(
            libraryId,
            b => b.TagList.Contains(from!),
            b => b.TagList = [.. b.TagList.Select(t => t == from ? to : t).Distinct(StringComparer.Ordinal)],
            cancellationToken);
        if (!edited.Succeeded)
        {
            return edited.Problem;
        }

        if (edited.Value == 0)
        {
            return NotFound();
        }

        var all = await ListAsync(libraryId, cancellationToken);
        return all.FirstOrDefault(t => t.Name == to) ?? new TagCount(to, 0);
    }

    /// <summary>Removes a tag from every bookmark (the bookmarks stay).</summary>
    public async Task<Result<int>> DeleteAsync(string libraryId, string name, CancellationToken cancellationToken)
    {
        var tag = BookmarkRules.NormalizeTag(name);
        var edited = await editor.EditAllAsync(libraryId, b => b.TagList.Contains(tag!), b => b.TagList = [.. b.TagList.Where(t => t != tag)], cancellationToken);
        return edited.Succeeded && edited.Value == 0 ? NotFound() : edited;
    }

    private static Problem NotFound() => Problems.NotFound("The tag");
}

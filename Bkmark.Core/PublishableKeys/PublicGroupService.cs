using Bkmark.Core.Library.Bookmarks;
using Bkmark.Core.Library.Groups;

namespace Bkmark.Core.PublishableKeys;

/// <summary>
/// What a publishable key reads: a group it names, while its owner keeps it public, and that group's bookmarks
/// (not those in the trash). Anything else is <c>NOT_FOUND</c>, so a key tells nobody which other groups exist.
/// </summary>
public sealed class PublicGroupService(GroupService groups, BookmarkService bookmarks)
{
    public Task<Result<Group>> GetGroupAsync(Caller caller, string groupId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return Names(caller, groupId) ? groups.GetPublicAsync(caller.LibraryId, groupId, cancellationToken) : Task.FromResult<Result<Group>>(NotFound());
    }

    /// <summary>One page of the group's bookmarks, newest first (<c>limit</c> and <c>cursor</c> as for <c>GET /bookmarks</c>).</summary>
    public async Task<Result<Page<Bookmark>>> ListBookmarksAsync(Caller caller, string groupId, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!Names(caller, groupId) || !await groups.IsPublicAsync(caller.LibraryId, groupId, cancellationToken))
        {
            return NotFound();
        }

        return await bookmarks.ListAsync(caller.LibraryId, new BookmarkQuery(limit, cursor, Tag: null, groupId.ToUpperInvariant()), cancellationToken);
    }

    private static bool Names(Caller caller, string groupId) =>
        caller.CredentialType == CredentialType.PublishableKey
        && caller.PublishableGroupIds is { } named
        && named.Contains(groupId.ToUpperInvariant(), StringComparer.Ordinal);

    private static Problem NotFound() => Problems.NotFound("The group");
}

using Bkmark.Core.Accounts;

namespace Bkmark.Core.Social;

/// <summary>
/// Removes every social account linked to an account (DESIGN.md §14): one being deleted, whose identities may then start
/// a new account, and one its address's owner reclaimed, whose links were made by whoever registered it first.
/// </summary>
internal sealed class SocialAccountRemoval(SocialAccountStore links) : IAccountRecoveryHandler
{
    public async Task RemoveAllAsync(string userId, CancellationToken cancellationToken)
    {
        foreach (var link in await links.ListAsync(userId, cancellationToken))
        {
            await links.RemoveAsync(link, cancellationToken);
        }
    }

    /// <summary>A password change or reset leaves the links, which the review lists (DESIGN.md §14); a reclaim removes them.</summary>
    public Task EvictAsync(string userId, bool reclaimed, CancellationToken cancellationToken) =>
        reclaimed ? RemoveAllAsync(userId, cancellationToken) : Task.CompletedTask;
}

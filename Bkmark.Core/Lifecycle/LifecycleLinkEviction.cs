using Bkmark.Core.Accounts;

namespace Bkmark.Core.Lifecycle;

/// <summary>
/// DESIGN.md §14: a password change or reset, and the owner's reclaim, void every other outstanding link of the account
/// (resets, changes of email, verifications), through the links' holder entries. The link that did it was spent first.
/// </summary>
internal sealed class LifecycleLinkEviction(LifecycleTokens tokens) : IAccountRecoveryHandler
{
    public Task EvictAsync(string userId, bool reclaimed, CancellationToken cancellationToken) =>
        tokens.VoidAsync(userId, LinkPurpose.All, cancellationToken);
}

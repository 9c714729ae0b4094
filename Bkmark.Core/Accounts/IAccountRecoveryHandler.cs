namespace Bkmark.Core.Accounts;

/// <summary>
/// Something of an account that a recovery ends (DESIGN.md §14, recovery evicts) and that lives in a room the recovering
/// caller cannot name: the account's emailed links, the social links of a reclaimed account. <see cref="AccountService"/>
/// calls every handler once the write that renewed the account's security stamp has succeeded.
/// </summary>
public interface IAccountRecoveryHandler
{
    /// <summary>
    /// Ends what the room holds for <paramref name="userId"/>. Must be idempotent: a retried recovery runs it again.
    /// With <paramref name="reclaimed"/>, the owner of the address took back an account it was never confirmed for:
    /// whatever anyone added to it goes, not only what a password change or reset ends.
    /// </summary>
    Task EvictAsync(string userId, bool reclaimed, CancellationToken cancellationToken);
}

namespace Bkmark.Core.Accounts;

/// <summary>
/// What other rooms read of a user, and the one write about a user that another room decides (the two-factor flag).
/// Apart from <see cref="AccountService"/> (which may call back into rooms through <see cref="IPlanChangeHandler"/>),
/// so the rooms that handle a plan change can read accounts too.
/// </summary>
internal sealed class AccountDirectory(UserStore users)
{
    /// <summary>The user's account, deleted or not (<see cref="Account.DeletedAt"/> tells); one point read.</summary>
    public async Task<Account?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        Account.Of(await users.FindByIdAsync(userId, cancellationToken));

    /// <summary>
    /// DESIGN.md §14: the live account, when it may be armed (a factor, a key, an organisation): only once its address
    /// is confirmed, since until then it may be someone else's pre-registration of the owner's address. Otherwise 403
    /// <c>EMAIL_NOT_VERIFIED</c>, or NOT_FOUND when it is gone.
    /// </summary>
    public async Task<Result<Account>> FindVerifiedAsync(string userId, CancellationToken cancellationToken) =>
        await FindByIdAsync(userId, cancellationToken) switch
        {
            null or { DeletedAt: not null } => Problems.NotFound("The user"),
            { EmailVerifiedAt: null } => AccountProblems.EmailNotVerified(),
            var account => account,
        };

    /// <summary>
    /// Keeps the user's two-factor flag (what <c>GET /me</c> shows) in line with <paramref name="readEnabled"/>, the
    /// two-factor room's own answer. Reads the user, then asks, and writes the flag even when unchanged: the new ETag
    /// makes a concurrent sync that asked before a later change lose its race and retry, so the last write always
    /// reflects the latest state.
    /// </summary>
    /// <returns>True when the flag was written; false when the user is gone.</returns>
    public Task<Result<bool>> SyncTwoFactorFlagAsync(
        string userId, Func<CancellationToken, Task<bool>> readEnabled, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var user = await users.FindByIdAsync(userId, cancellationToken);
            if (user is null)
            {
                return false;
            }

            user.TwoFactorEnabled = await readEnabled(cancellationToken);
            return await users.TryUpdateAsync(user, cancellationToken) ? true : RaceAttempt.Lost;
        });
}

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

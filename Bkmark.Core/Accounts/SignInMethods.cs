namespace Bkmark.Core.Accounts;

/// <summary>
/// The last-way-in rule (DESIGN.md §14): removing a way to sign in (a passkey, a social link) must leave the account
/// another one, also when removals race. The ways in live in three tables and no transaction spans them, so a removal
/// takes the user row first: it marks the row (If-Match on the ETag it counted under), removes, and clears the mark.
/// A second removal that finds the row marked waits for the first and counts after it; of two removals of the last
/// two ways in, one succeeds and the other is refused.
/// </summary>
internal sealed class SignInMethods(UserStore users, IEnumerable<ISignInMethodHolder> holders, IdGenerator ids, TimeProvider time)
{
    /// <summary>
    /// A mark older than this was left by a removal that never finished (a crash between marking and clearing) and
    /// holds nothing. Far longer than a removal takes.
    /// </summary>
    public static readonly TimeSpan MarkLifetime = TimeSpan.FromSeconds(30);

    // How long a removal that found the row marked waits before it reads again, and how often: up to about a second.
    private static readonly TimeSpan WaitForOther = TimeSpan.FromMilliseconds(50);
    private const int Attempts = 20;

    /// <summary>
    /// Finds the way in (<paramref name="find"/>), counts the account's ways in, and removes it (<paramref name="remove"/>,
    /// true when it was still there) unless it is the last one.
    /// </summary>
    /// <returns>What was removed; <paramref name="notFound"/> when it is not (or no longer) there; 409
    /// <c>LAST_SIGN_IN_METHOD</c> when it is the only way left.</returns>
    public async Task<Result<T>> RemoveAsync<T>(
        string userId,
        Func<CancellationToken, Task<T?>> find,
        Func<T, CancellationToken, Task<bool>> remove,
        Problem notFound,
        CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(find);
        ArgumentNullException.ThrowIfNull(remove);
        var mark = ids.NewId();
        var marked = await OptimisticConcurrency.RunAsync<(UserEntity User, T Method)>(async () =>
        {
            var user = await users.FindByIdAsync(userId, cancellationToken);
            if (user is not { DeletedAt: null } || await find(cancellationToken) is not { } method)
            {
                return notFound;
            }

            var now = time.GetUtcNow();
            if (user.SignInMethodRemovalMark is not null && user.SignInMethodRemovalAt > now - MarkLifetime)
            {
                // Another removal is counting and removing: read again once it is through.
                await Task.Delay(WaitForOther, cancellationToken);
                return RaceAttempt.Lost;
            }

            var ways = (user.PasswordHash.Length > 0 ? 1 : 0);
            foreach (var holder in holders)
            {
                ways += await holder.CountSignInMethodsAsync(userId, cancellationToken);
            }

            if (ways <= 1)
            {
                // Counted while another removal marked the row after it was read here (its way in already gone, or this one
                // found before it went): count again from a fresh read. An unchanged row means no removal began since.
                if ((await users.FindByIdAsync(userId, cancellationToken))?.ETag != user.ETag)
                {
                    return RaceAttempt.Lost;
                }

                return new Problem(
                    ErrorCodes.LastSignInMethod,
                    "This is the only way to sign in to your account. Add a passkey or connect another account first.");
            }

            user.SignInMethodRemovalMark = mark;
            user.SignInMethodRemovalAt = now;
            return await users.TryUpdateAsync(user, cancellationToken) ? (user, method) : RaceAttempt.Lost;
        }, Attempts);
        if (!marked.Succeeded)
        {
            return marked.Problem;
        }

        try
        {
            return await remove(marked.Value.Method, cancellationToken) ? marked.Value.Method : notFound;
        }
        finally
        {
            await ClearMarkAsync(marked.Value.User, mark);
        }
    }

    // Not cancellable: a mark left behind would hold the account's other removals for MarkLifetime.
    private Task ClearMarkAsync(UserEntity marked, string mark)
    {
        UserEntity? user = marked;
        return OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            user ??= await users.FindByIdAsync(marked.Id, CancellationToken.None);
            if (user is null || user.SignInMethodRemovalMark != mark)
            {
                return true;
            }

            user.SignInMethodRemovalMark = null;
            user.SignInMethodRemovalAt = null;
            if (await users.TryUpdateAsync(user, CancellationToken.None))
            {
                return true;
            }

            // Written meanwhile (a password change, a sign-in's rehash): clear the mark on what is there now.
            user = null;
            return RaceAttempt.Lost;
        });
    }
}

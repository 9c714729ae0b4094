using Bkmark.Core.Accounts;
using Bkmark.Core.Passkeys;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Sessions;
using Bkmark.Core.TwoFactor;

namespace Bkmark.Core.SignIn;

/// <summary>
/// DESIGN.md §14, "the verified owner reclaims an unverified account": whoever registered an address first may not be
/// its owner, so when the owner proves the address (a reset link followed, or a sign-in with a provider that says the
/// email is verified) on an account whose address was never confirmed, nothing the first person left keeps working:
/// their password, sessions and refresh tokens, emailed links and device tokens, social links, and any factor they added. The library stays
/// (an unverified account may be the owner's own), and the notice says what was done.
/// </summary>
internal sealed partial class AccountReclaim(
    AccountService accounts,
    SessionService sessions,
    TwoFactorService twoFactor,
    PasskeyService passkeys,
    SecurityEventLog securityLog,
    ILogger<AccountReclaim> logger)
{
    /// <summary>How the owner proved the address, as the event's <c>method</c> detail names it.</summary>
    public const string ByPasswordReset = "password-reset";

    public const string BySocialSignIn = "social";

    /// <summary>
    /// Takes the account back for the prover: the factors go first (a crash there leaves the account unverified, so
    /// the owner's next proof reclaims it again); then the password, stamp and confirmation are written in one
    /// ETag-conditional write, of which concurrent proofs win exactly one (with it the account's links and social links
    /// end, <see cref="AccountService.ReclaimAsync"/>); then every session ends, including one the
    /// first person opened in between with the password that is now gone. The new password is the one the prover set
    /// (a reset), or none (a social sign-in); a reset's link stamp is expected still to be the account's.
    /// </summary>
    /// <returns>The reclaimed account; CONFLICT when the address was confirmed in the meantime (another proof won).</returns>
    internal async Task<Result<Account>> ReclaimAsync(
        string userId, string? newPassword, string? expectedStamp, string method, ClientInfo client, CancellationToken cancellationToken)
    {
        // Before DESIGN.md §14 an unverified account could add factors; none of them was the owner's to keep.
        await twoFactor.RemoveAsync(userId, cancellationToken);
        foreach (var passkey in await passkeys.ListAsync(userId, cancellationToken))
        {
            await passkeys.RemoveAsync(userId, passkey.Id, cancellationToken);
        }

        var reclaimed = await accounts.ReclaimAsync(userId, newPassword, expectedStamp, cancellationToken);
        if (!reclaimed.Succeeded)
        {
            return reclaimed.Problem.Code == ErrorCodes.NotFound ? Problems.ConcurrentChange() : reclaimed.Problem;
        }

        var revoked = await sessions.RevokeAllAsync(userId, "account-reclaimed", cancellationToken);
        if (!revoked.Succeeded)
        {
            return revoked.Problem;
        }

        LogReclaimed(logger, userId, method, revoked.Value);
        await securityLog.RecordAsync(
            new SecurityEvent(userId, SecurityEventTypes.AccountReclaimed, client, Details: new Dictionary<string, string> { ["method"] = method }),
            cancellationToken);
        return reclaimed.Value;
    }

    [LoggerMessage(EventId = 9441, Level = LogLevel.Warning, Message = "Unverified account {UserId} reclaimed by its address's owner ({Method}); {Revoked} sessions revoked")]
    private static partial void LogReclaimed(ILogger logger, string userId, string method, int revoked);
}

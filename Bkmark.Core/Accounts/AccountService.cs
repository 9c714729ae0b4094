using Bkmark.Core.Passwords;
using Microsoft.AspNetCore.Identity;

namespace Bkmark.Core.Accounts;

/// <summary>Registration, password sign-in and the profile.</summary>
public sealed class AccountService
{
    private const int MaxDisplayNameLength = 100;

    private readonly UserStore users;
    private readonly IPasskeyCounter passkeys;
    private readonly IdGenerator ids;
    private readonly TimeProvider time;
    private readonly IPasswordHasher<UserEntity> hasher;
    private readonly IEnumerable<IPlanChangeHandler> planHandlers;
    private readonly PasswordPolicy passwordPolicy;

    // Verified against when the email is unknown, so an unknown email costs the same hash as a wrong password.
    private readonly string decoyHash;

    // Internal because it takes Core's internal stores; registered with AddServiceWithInternalConstructor.
    internal AccountService(
        UserStore users,
        IPasskeyCounter passkeys,
        IdGenerator ids,
        TimeProvider time,
        IPasswordHasher<UserEntity> hasher,
        IEnumerable<IPlanChangeHandler> planHandlers,
        PasswordPolicy passwordPolicy)
    {
        this.planHandlers = planHandlers;
        this.passwordPolicy = passwordPolicy;
        this.users = users;
        this.passkeys = passkeys;
        this.ids = ids;
        this.time = time;
        this.hasher = hasher;
        this.decoyHash = hasher.HashPassword(new UserEntity(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
    }

    public async Task<Result<NewAccount>> RegisterAsync(string? email, string? password, string? displayName, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var normalizedEmail = EmailAddress.Normalize(email);
        if (normalizedEmail is null)
        {
            errors.Add("email", EmailAddress.Invalid);
        }

        if (!PasswordPolicy.HasAcceptableLength(password))
        {
            errors.Add("password", PasswordPolicy.LengthRule);
        }

        var name = displayName?.Trim();
        if (name is { Length: > MaxDisplayNameLength })
        {
            errors.Add("displayName", $"The display name must be at most {MaxDisplayNameLength} characters.");
        }

        if (errors.Problem is { } invalid)
        {
            return invalid;
        }

        if (await passwordPolicy.CheckNewAsync("password", password!, normalizedEmail, name, cancellationToken) is { } refused)
        {
            return refused;
        }

        var user = NewUser(normalizedEmail!, name);
        user.PasswordHash = hasher.HashPassword(user, password!);

        if (!await users.CreateAsync(user, cancellationToken))
        {
            return EmailTaken();
        }

        return new NewAccount(user.Id, user.Email, user.DisplayName, user.Plan, user.CreatedAt);
    }

    /// <summary>
    /// An account for a first social sign-in: no password (an empty hash never verifies), so its only way in is
    /// the social account that creates it, until the person adds a passkey.
    /// </summary>
    /// <returns>The new user, or null when the email is taken.</returns>
    internal async Task<Account?> CreateWithoutPasswordAsync(string normalizedEmail, string? displayName, CancellationToken cancellationToken)
    {
        var name = displayName?.Trim();
        var user = NewUser(normalizedEmail, name is { Length: > MaxDisplayNameLength } ? name[..MaxDisplayNameLength] : name);
        return await users.CreateAsync(user, cancellationToken) ? new Account(user) : null;
    }

    /// <summary>Whether the account can sign in with a password (a social-only account cannot).</summary>
    internal async Task<bool> HasPasswordAsync(string userId, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId, cancellationToken) is { PasswordHash.Length: > 0 };

    private UserEntity NewUser(string normalizedEmail, string? displayName) => new()
    {
        PartitionKey = ids.NewId(),
        Email = normalizedEmail,
        DisplayName = string.IsNullOrEmpty(displayName) ? null : displayName,
        Plan = Plans.Free,
        CreatedAt = time.GetUtcNow(),
    };

    /// <summary>The account a session belongs to, for re-authenticating its person; null once deleted.</summary>
    internal async Task<Account?> FindAsync(string userId, CancellationToken cancellationToken) =>
        Account.Of(await FindLiveAsync(userId, cancellationToken));

    /// <summary>The account an email signs in to, or null; known and unknown emails cost the same reads.</summary>
    internal async Task<Account?> FindForSignInAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        Account.Of(await users.FindByEmailAsync(normalizedEmail, cancellationToken));

    /// <summary>
    /// Checks a password against the account's hash; with no account, against a decoy hash of the same cost,
    /// so the answer's timing does not tell whether the account exists. A hash weaker than today's settings
    /// (fewer iterations, an older format) is replaced by a current one once the password is known to be right.
    /// </summary>
    internal async Task<bool> VerifyPasswordAsync(Account? account, string password, CancellationToken cancellationToken)
    {
        if (account?.Row is not { } user)
        {
            hasher.VerifyHashedPassword(new UserEntity(), decoyHash, password);
            return false;
        }

        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            // A lost race leaves the old hash for the next sign-in to replace.
            await users.TryUpdateAsync(user, cancellationToken);
        }

        return result != PasswordVerificationResult.Failed;
    }

    public async Task<Result<UserProfile>> GetProfileAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return Problems.NotFound("The user");
        }

        return new UserProfile(user.Id, user.Email, user.DisplayName, user.Plan, user.TwoFactorEnabled,
            PasskeyCount: await passkeys.CountAsync(user.Id, cancellationToken), user.CreatedAt, EmailVerified: user.EmailVerifiedAt is not null);
    }

    /// <summary>The account with this id, as support reads it, deleted or not (<see cref="AccountRecord.Deleted"/>); null when there is none.</summary>
    public async Task<AccountRecord?> FindRecordAsync(string userId, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId, cancellationToken) is { } user ? RecordOf(user) : null;

    /// <summary>The account an address belongs to, as support reads it; null when none does.</summary>
    public async Task<AccountRecord?> FindRecordByEmailAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        await users.FindByEmailAsync(normalizedEmail, cancellationToken) is { } user ? RecordOf(user) : null;

    /// <summary>
    /// Support's lock (DESIGN §16): <paramref name="reason"/> locks the account, null unlocks it. An account already in
    /// that state is left as it is (a repeated lock keeps its first reason), so repeats are idempotent and write nothing.
    /// This is the account's own flag, which sign-in reads; stopping its sessions and keys is the caller's next step.
    /// </summary>
    internal Task<Result<AccountLockChange>> SetLockAsync(string userId, string? reason, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<AccountLockChange>(async () =>
        {
            var user = (await FindAsync(userId, cancellationToken))?.Row;
            if (user is null)
            {
                return Problems.NotFound("The user");
            }

            var locking = reason is not null;
            if ((user.LockedAt is not null) == locking)
            {
                return new AccountLockChange(RecordOf(user), Changed: false);
            }

            user.LockedAt = locking ? time.GetUtcNow() : null;
            user.LockReason = reason;
            return await users.TryUpdateAsync(user, cancellationToken) ? new AccountLockChange(RecordOf(user), Changed: true) : RaceAttempt.Lost;
        });

    /// <summary>
    /// Whether a sign-in whose proof checked out (a passkey, a social identity) may go on: null when it may, 403
    /// <c>ACCOUNT_LOCKED</c> when support locked the account, and a failed proof when the account is gone.
    /// </summary>
    internal async Task<Problem?> RefuseSignInAsync(string userId, CancellationToken cancellationToken) =>
        await FindAsync(userId, cancellationToken) is { } user ? RefuseSignIn(user) : Problems.InvalidCredentials();

    /// <summary>403 <c>ACCOUNT_LOCKED</c> for a locked account, null otherwise; asked only once the proof was right, so it tells a guesser nothing.</summary>
    internal static Problem? RefuseSignIn(Account user) => user.LockedAt is null ? null : Problems.AccountLocked();

    private static AccountRecord RecordOf(UserEntity user) => new(
        user.Id, user.Email, user.EmailVerifiedAt is not null, user.Plan, user.TwoFactorEnabled, user.CreatedAt, user.LockedAt, user.LockReason,
        Deleted: user.DeletedAt is not null);

    /// <summary>Replaces the password hash (a change or a reset; the caller has proved the right to it).</summary>
    internal Task<Result<Account>> SetPasswordAsync(string userId, string newPassword, CancellationToken cancellationToken) =>
        ChangeAsync(userId, user => user.PasswordHash = hasher.HashPassword(user, newPassword), cancellationToken);

    /// <summary>Marks <paramref name="email"/> verified, if it is still the account's address.</summary>
    /// <returns>False when the account has another address by now (the link was for the old one).</returns>
    internal async Task<Result<bool>> MarkEmailVerifiedAsync(string userId, string email, CancellationToken cancellationToken)
    {
        var stillCurrent = true;
        var changed = await ChangeAsync(userId, user =>
        {
            stillCurrent = user.Email == email;
            user.EmailVerifiedAt ??= stillCurrent ? time.GetUtcNow() : null;
        }, cancellationToken);
        return changed.Succeeded ? stillCurrent : changed.Problem;
    }

    /// <summary>
    /// Moves the account from <paramref name="previousEmail"/> to <paramref name="newEmail"/> (confirmed by a link sent
    /// there, so it counts as verified). The new address is claimed before the user carries it and the old one
    /// released after, so no two accounts ever own one address; a crash in between leaves a stale claim that the
    /// next claimant of that address clears (<see cref="UserStore.TryClaimEmailAsync"/>), never a stranded user.
    /// </summary>
    internal async Task<Result<Account>> ChangeEmailAsync(string userId, string previousEmail, string newEmail, CancellationToken cancellationToken)
    {
        if (!await users.TryClaimEmailAsync(newEmail, userId, cancellationToken))
        {
            return EmailTaken();
        }

        var changed = await ChangeAsync(userId, user =>
        {
            user.Email = newEmail;
            user.EmailVerifiedAt = time.GetUtcNow();
        }, cancellationToken, when: user => user.Email == previousEmail);
        if (!changed.Succeeded)
        {
            await users.ReleaseEmailAsync(newEmail, userId, cancellationToken);
            return changed.Problem;
        }

        await users.ReleaseEmailAsync(previousEmail, userId, cancellationToken);
        return changed;
    }

    /// <summary>
    /// Marks the account deleted and frees its address for a new registration. Its credentials must be stopped
    /// first (sessions, keys, passkeys); what is left is erased by the sweep (<see cref="EraseAsync"/>).
    /// </summary>
    internal async Task<Result<Account>> MarkDeletedAsync(string userId, CancellationToken cancellationToken)
    {
        var deleted = await ChangeAsync(userId, user => user.DeletedAt = time.GetUtcNow(), cancellationToken);
        if (deleted.Succeeded)
        {
            await users.ReleaseEmailAsync(deleted.Value.Email, userId, cancellationToken);
        }

        return deleted;
    }

    /// <summary>A deleted account's row, for the sweep that erases it; null when it is gone or not deleted.</summary>
    internal async Task<Account?> FindDeletedAsync(string userId, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId, cancellationToken) is { DeletedAt: not null } user ? new Account(user) : null;

    /// <summary>Removes a deleted account's row: the last step, once everything it owned is gone.</summary>
    internal Task<DeleteOutcome> EraseAsync(Account deleted, CancellationToken cancellationToken) =>
        users.TryRemoveAsync(deleted.Row, cancellationToken);

    /// <summary>Deleted accounts not yet erased, for the expiry backfill.</summary>
    internal IAsyncEnumerable<Account> ScanDeletedAsync(CancellationToken cancellationToken) =>
        users.ScanDeletedAsync(cancellationToken).Select(user => new Account(user));

    /// <summary>
    /// Sets the user's plan (operator only: the billing system calls it), then lets each feature follow
    /// it. The plan is written first; if following it is interrupted, the billing system's retry of the
    /// same call finishes the job, because both steps run again even when the plan is already set.
    /// </summary>
    public async Task<Result<UserPlan>> SetPlanAsync(string userId, string? plan, CancellationToken cancellationToken)
    {
        if (plan is null || !Plans.All.Contains(plan))
        {
            return Problems.Validation("plan", $"The plan must be one of: {string.Join(", ", Plans.All)}.");
        }

        UserEntity? user;
        do
        {
            user = await users.FindByIdAsync(userId, cancellationToken);
            if (user is null)
            {
                return Problems.NotFound("The user");
            }

            if (user.Plan == plan)
            {
                break;
            }

            user.Plan = plan;
        }
        while (!await users.TryUpdateAsync(user, cancellationToken));

        foreach (var handler in planHandlers)
        {
            await handler.ApplyPlanAsync(userId, plan, cancellationToken);
        }

        return new UserPlan(user.Id, user.Plan);
    }

    /// <summary>Applies <paramref name="change"/> to a live account and writes it with its ETag, re-reading after a lost race.</summary>
    private Task<Result<Account>> ChangeAsync(
        string userId, Action<UserEntity> change, CancellationToken cancellationToken, Func<UserEntity, bool>? when = null) =>
        OptimisticConcurrency.RunAsync<Account>(async () =>
        {
            var user = await FindLiveAsync(userId, cancellationToken);
            if (user is null || (when is not null && !when(user)))
            {
                return Problems.NotFound("The user");
            }

            change(user);
            return await users.TryUpdateAsync(user, cancellationToken) ? new Account(user) : RaceAttempt.Lost;
        });

    private async Task<UserEntity?> FindLiveAsync(string userId, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId, cancellationToken) is { DeletedAt: null } user ? user : null;

    private static Problem EmailTaken() => new(ErrorCodes.EmailTaken, "An account with this email already exists.");
}

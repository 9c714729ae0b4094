namespace Bkmark.Core.Accounts;

/// <summary>A user. PartitionKey = user id (a partition per user), RowKey = <see cref="ProfileRowKey"/>.</summary>
internal sealed class UserEntity : StoredEntity
{
    public const string ProfileRowKey = "profile";

    public UserEntity() => RowKey = ProfileRowKey;

    public string Id => PartitionKey;
    public string Email { get; set; } = "";
    public string? DisplayName { get; set; }
    public string PasswordHash { get; set; } = "";
    public string Plan { get; set; } = Plans.Free;
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Kept by the two-factor service: whether sign-in asks for a TOTP code.</summary>
    public bool TwoFactorEnabled { get; set; }

    /// <summary>When a link sent to <see cref="Email"/> was followed; null until then, and again after an unconfirmed change.</summary>
    public DateTimeOffset? EmailVerifiedAt { get; set; }

    /// <summary>
    /// Changes whenever the account is recovered (DESIGN.md §14: a password change or reset, the owner reclaiming an
    /// unverified account), as Identity's security stamp does: a device token or an emailed link made under an older
    /// stamp no longer counts. Empty until the first change, which is what the tokens of older accounts were made under.
    /// </summary>
    public string SecurityStamp { get; set; } = "";

    /// <summary>
    /// When the person deleted the account: from then on nothing finds it by email or id for signing in, and the
    /// sweep erases what is left of it (its library can be large) before removing this row.
    /// </summary>
    public DateTimeOffset? DeletedAt { get; set; }

    /// <summary>
    /// When Bkmark support locked the account (DESIGN §16); null while it is not. A locked account does not sign in;
    /// its sessions and keys carry the lock themselves, so a request still costs its one point read.
    /// </summary>
    public DateTimeOffset? LockedAt { get; set; }

    /// <summary>Why support locked it, as they wrote it; shown to the person in the log and the email.</summary>
    public string? LockReason { get; set; }

    /// <summary>
    /// Set while a way to sign in is being removed (<see cref="SignInMethods"/>): the removal's id, so that removals of
    /// the account's ways in take turns and each counts what the one before it left.
    /// </summary>
    public string? SignInMethodRemovalMark { get; set; }

    /// <summary>When <see cref="SignInMethodRemovalMark"/> was set; an old mark was left by a crash and holds nothing.</summary>
    public DateTimeOffset? SignInMethodRemovalAt { get; set; }
}

/// <summary>
/// Email → user id, for sign-in: the claim that makes an address one account's. PartitionKey = SHA-256 of the
/// normalised email (emails may hold characters a key may not), RowKey = "". A claim counts only while the user
/// it names still has that email: a crash between claiming and writing the user (registration, a change of
/// email, a deletion) leaves a stale claim, which the next claimant of the address removes once it is older
/// than <see cref="UserStore.ClaimSettleTime"/>.
/// </summary>
internal sealed class UserEmailEntity : StoredEntity
{
    public string UserId { get; set; } = "";

    /// <summary>When the claim was written; claims from before this property read as the oldest, which they are.</summary>
    public DateTimeOffset ClaimedAt { get; set; }
}

/// <summary>The plans a user can be on.</summary>
public static class Plans
{
    public const string Free = "free";
    public const string Pro = "pro";
    public const string Team = "team";

    public static IReadOnlyList<string> All { get; } = [Free, Pro, Team];
}

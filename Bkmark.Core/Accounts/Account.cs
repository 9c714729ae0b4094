namespace Bkmark.Core.Accounts;

/// <summary>
/// A user as other rooms read it: everything on the user's row but the password hash. It wraps the row it was read
/// from, so what Accounts writes back for the reader (a rehash at sign-in, the erasure) keeps that row's ETag and
/// costs no second read.
/// </summary>
internal sealed class Account(UserEntity row)
{
    /// <summary>The user row's RowKey, for an expiry target that names the user (the erasure of a deleted account).</summary>
    public const string ProfileRowKey = UserEntity.ProfileRowKey;

    /// <summary>The row behind the view: for Accounts itself only (WallsTests keeps every other room off it).</summary>
    internal UserEntity Row { get; } = row;

    public string Id => Row.Id;
    public string Email => Row.Email;
    public string? DisplayName => Row.DisplayName;
    public string Plan => Row.Plan;
    public DateTimeOffset CreatedAt => Row.CreatedAt;
    public bool TwoFactorEnabled => Row.TwoFactorEnabled;
    public DateTimeOffset? EmailVerifiedAt => Row.EmailVerifiedAt;
    public DateTimeOffset? DeletedAt => Row.DeletedAt;
    public DateTimeOffset? LockedAt => Row.LockedAt;
    public string? LockReason => Row.LockReason;

    /// <summary>Renewed by every recovery (DESIGN.md §14): links and device tokens made under an older one no longer count.</summary>
    public string SecurityStamp => Row.SecurityStamp;

    /// <summary>Whether the account can sign in with a password (a social-only account cannot).</summary>
    public bool HasPassword => Row.PasswordHash.Length > 0;

    public static Account? Of(UserEntity? row) => row is null ? null : new Account(row);
}

namespace Bkmark.Core.Accounts;

/// <summary>What <c>POST /auth/register</c> answers: the new account.</summary>
public sealed record NewAccount(string Id, string Email, string? DisplayName, string Plan, DateTimeOffset CreatedAt);

/// <summary>What <c>GET /me</c> shows.</summary>
public sealed record UserProfile(
    string Id, string Email, string? DisplayName, string Plan, bool TwoFactorEnabled, int PasskeyCount, DateTimeOffset CreatedAt, bool EmailVerified);

/// <summary>
/// The account as Bkmark support reads it (DESIGN §16): the row's own facts, the lock among them. A deleted account's row
/// stays until the sweep erases it, and its security log longer.
/// </summary>
public sealed record AccountRecord(
    string Id,
    string Email,
    bool EmailVerified,
    string Plan,
    bool TwoFactorEnabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LockedAt,
    string? LockReason,
    bool Deleted);

/// <summary>The account after a lock or unlock, and whether this call changed it (a repeat changes nothing).</summary>
public sealed record AccountLockChange(AccountRecord Account, bool Changed);

using Bkmark.Core.Storage;

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
}

/// <summary>
/// Email → user id, for sign-in. PartitionKey = SHA-256 of the normalised email (emails may hold
/// characters a key may not), RowKey = "". Written after the user, so a crash in between leaves
/// only an unreachable user, never an email pointing nowhere.
/// </summary>
internal sealed class UserEmailEntity : StoredEntity
{
    public string UserId { get; set; } = "";
}

/// <summary>The plans a user can be on.</summary>
public static class Plans
{
    public const string Free = "free";
    public const string Pro = "pro";
    public const string Team = "team";

    public static IReadOnlyList<string> All { get; } = [Free, Pro, Team];
}

using Azure;
using Azure.Data.Tables;

namespace Bkmark.Core.Accounts;

/// <summary>A user. PartitionKey = user id (a partition per user), RowKey = <see cref="ProfileRowKey"/>.</summary>
public sealed class UserEntity : ITableEntity
{
    public const string ProfileRowKey = "profile";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = ProfileRowKey;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Id => PartitionKey;
    public string Email { get; set; } = "";
    public string? DisplayName { get; set; }
    public string PasswordHash { get; set; } = "";
    public string Plan { get; set; } = Plans.Free;
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Kept by the two-factor service: whether sign-in asks for a TOTP code.</summary>
    public bool TwoFactorEnabled { get; set; }
}

/// <summary>What <c>GET /me</c> shows.</summary>
public sealed record UserProfile(
    string Id, string Email, string? DisplayName, string Plan, bool TwoFactorEnabled, int PasskeyCount, DateTimeOffset CreatedAt);

/// <summary>
/// Email → user id, for sign-in. PartitionKey = SHA-256 of the normalised email (emails may hold
/// characters a key may not), RowKey = "". Written after the user, so a crash in between leaves
/// only an unreachable user, never an email pointing nowhere.
/// </summary>
public sealed class UserEmailEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
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

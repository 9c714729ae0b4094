namespace Bkmark.Core.TwoFactor;

/// <summary>
/// A user's TOTP authenticator: PartitionKey = user id, RowKey = <see cref="TotpRowKey"/>. It is the
/// authority for whether sign-in asks for a second factor; the account's flag (<c>Account.TwoFactorEnabled</c>) is derived from it.
/// Every change (enabling, each accepted code, a new backup-code set, removal) is an ETag-conditional write.
/// </summary>
internal sealed class TwoFactorEntity : StoredEntity
{
    public const string TotpRowKey = "totp";

    public TwoFactorEntity() => RowKey = TotpRowKey;

    public string UserId => PartitionKey;

    /// <summary>The secret, sealed by <see cref="TotpSecretProtector"/>; never stored in the clear.</summary>
    public string ProtectedSecret { get; set; } = "";

    /// <summary>False while setup is pending (a code has not confirmed the secret yet).</summary>
    public bool Enabled { get; set; }

    public DateTimeOffset SetupAt { get; set; }

    /// <summary>
    /// A replacement authenticator's secret (sealed like <see cref="ProtectedSecret"/>), set up while two-factor is on after a
    /// recovery proof (DESIGN §14). The current secret keeps working until a code from this one enables it.
    /// </summary>
    public string? PendingProtectedSecret { get; set; }

    public DateTimeOffset? EnabledAt { get; set; }

    /// <summary>RFC 6238 §5.2: the time step of the last accepted code; no step at or before it is accepted again.</summary>
    public long LastAcceptedStep { get; set; }

    /// <summary>The current backup-code set. Codes of any other generation are void, even if their rows still exist.</summary>
    public string? BackupCodeGeneration { get; set; }
}

/// <summary>
/// One unused backup code: PartitionKey = user id, RowKey = <c>backup-{generation}-{HMAC of the code}</c>.
/// Spending it deletes the row (If-Match), so of concurrent uses exactly one succeeds.
/// </summary>
internal sealed class BackupCodeEntity : StoredEntity
{
    public const string RowKeyPrefix = "backup-";

    public DateTimeOffset CreatedAt { get; set; }

    public static string RowKeyOf(string generation, string codeHash) => $"{RowKeyPrefix}{generation}-{codeHash}";

    public static string GenerationPrefix(string generation) => $"{RowKeyPrefix}{generation}-";
}

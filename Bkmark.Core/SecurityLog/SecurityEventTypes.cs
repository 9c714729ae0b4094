namespace Bkmark.Core.SecurityLog;

/// <summary>The <c>type</c> of a security event (DESIGN.md §8), as <c>GET /me/security-events</c> shows it.</summary>
public static class SecurityEventTypes
{
    public const string SignInSucceeded = "signin.succeeded";

    /// <summary>Folded: at most one a minute per account, with a <c>count</c>.</summary>
    public const string SignInFailed = "signin.failed";

    /// <summary>Folded like <see cref="SignInFailed"/>: attempts refused because the account is locked out.</summary>
    public const string SignInThrottled = "signin.throttled";

    public const string Reauthenticated = "reauthenticated";
    public const string TwoFactorEnabled = "twofactor.enabled";
    public const string TwoFactorDisabled = "twofactor.disabled";
    public const string BackupCodesRegenerated = "backupcodes.regenerated";
    public const string BackupCodeUsed = "backupcode.used";
    public const string PasskeyAdded = "passkey.added";
    public const string PasskeyRenamed = "passkey.renamed";
    public const string PasskeyRemoved = "passkey.removed";
    public const string ApiKeyCreated = "apikey.created";
    public const string ApiKeyUpdated = "apikey.updated";
    public const string ApiKeyRevoked = "apikey.revoked";
    public const string SessionRevoked = "session.revoked";
    public const string SessionsRevokedOthers = "sessions.revoked_others";
    public const string PasswordChanged = "password.changed";
    public const string PasswordReset = "password.reset";
    public const string EmailVerified = "email.verified";
    public const string EmailChanged = "email.changed";

    /// <summary>Kept for the operator: the account's own log outlives it until the log's retention ends.</summary>
    public const string AccountDeleted = "account.deleted";
}

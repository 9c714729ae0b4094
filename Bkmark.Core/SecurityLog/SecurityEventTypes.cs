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
    public const string ApiKeyRolled = "apikey.rolled";
    public const string ApiKeyLeaked = "apikey.leaked";
    public const string SessionRevoked = "session.revoked";
    public const string SessionsRevokedOthers = "sessions.revoked_others";
}

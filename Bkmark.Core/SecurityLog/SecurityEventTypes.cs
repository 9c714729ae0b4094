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
    public const string PublishableKeyCreated = "publishablekey.created";
    public const string PublishableKeyDeleted = "publishablekey.deleted";
    public const string SessionRevoked = "session.revoked";
    public const string SessionsRevokedOthers = "sessions.revoked_others";
    public const string SocialLinked = "social.linked";
    public const string SocialUnlinked = "social.unlinked";

    // Organisations (DESIGN §12): in the log of the person who acted.
    public const string OrganisationCreated = "organisation.created";
    public const string OrganisationJoined = "organisation.joined";
    public const string OrganisationMemberInvited = "organisation.member_invited";
    public const string OrganisationLeft = "organisation.left";
    public const string OrganisationMemberRoleChanged = "organisation.member_role_changed";
    public const string OrganisationMemberRemoved = "organisation.member_removed";
    public const string OrganisationInvitationRevoked = "organisation.invitation_revoked";

    public const string PasswordChanged = "password.changed";
    public const string PasswordReset = "password.reset";
    public const string EmailVerified = "email.verified";
    public const string EmailChanged = "email.changed";

    /// <summary>Kept for the operator: the account's own log outlives it until the log's retention ends.</summary>
    public const string AccountDeleted = "account.deleted";

    // What Bkmark support did to the account (DESIGN §16), in the person's own log: the page shows them as done by support.
    public const string OperatorPrefix = "operator.";
    public const string OperatorAccountViewed = "operator.account_viewed";
    public const string OperatorSecurityEventsViewed = "operator.security_events_viewed";
    public const string OperatorAccountLocked = "operator.account_locked";
    public const string OperatorAccountUnlocked = "operator.account_unlocked";
    public const string OperatorSignedOut = "operator.signed_out";
    public const string OperatorTwoFactorReset = "operator.twofactor_reset";
    public const string OperatorOrganisationOwnerSet = "operator.organisation_owner_set";
}

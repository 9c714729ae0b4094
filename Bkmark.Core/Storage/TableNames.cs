namespace Bkmark.Core.Storage;

/// <summary>Every table the service uses. Each feature's entities live in its own table(s).</summary>
public static class TableNames
{
    public const string Users = "Users";
    public const string UserEmails = "UserEmails";
    public const string Sessions = "Sessions";
    public const string RefreshTokens = "RefreshTokens";
    public const string Throttles = "Throttles";
    public const string ApiKeys = "ApiKeys";
    public const string ApiKeyIndex = "ApiKeyIndex";
    public const string ApiKeyRateWindows = "ApiKeyRateWindows";
    public const string TwoFactor = "TwoFactor";

    /// <summary>Publishable keys: credentials by hashed prefix, and the per-user index that shows them in full.</summary>
    public const string PublishableKeys = "PublishableKeys";
    public const string PublishableKeyIndex = "PublishableKeyIndex";

    /// <summary>Bookmarks, their URL index and groups: a partition per user, so one transaction can span them.</summary>
    public const string Library = "Library";

    public const string Passkeys = "Passkeys";
    public const string PasskeyCredentials = "PasskeyCredentials";
    public const string PasskeyChallenges = "PasskeyChallenges";

    /// <summary>Social sign-in: flows in progress, links (a partition per user) and the identity index sign-in reads.</summary>
    public const string SocialFlows = "SocialFlows";
    public const string SocialAccounts = "SocialAccounts";
    public const string SocialIdentities = "SocialIdentities";

    /// <summary>The security activity log: a partition per user, newest first.</summary>
    public const string SecurityEvents = "SecurityEvents";

    /// <summary>Organisations with their members (a partition per organisation), each user's memberships, and invitations.</summary>
    public const string Organisations = "Organisations";
    public const string OrganisationMemberships = "OrganisationMemberships";
    public const string OrganisationInvitations = "OrganisationInvitations";

    /// <summary>Ids of sent emails, so a redelivered outbox message is not sent twice.</summary>
    public const string EmailDeliveries = "EmailDeliveries";

    /// <summary>The single-use links of the account lifecycle (verify email, reset password, change email), found by hashed prefix.</summary>
    public const string LifecycleTokens = "LifecycleTokens";

    /// <summary>One entry per single-use token under its holder (a partition per user), so a holder's tokens are listed and voided without a scan.</summary>
    public const string SingleUseTokenHolders = "SingleUseTokenHolders";

    /// <summary>The expiry index (a partition per time bucket) and the sweep's checkpoint: one of each in every storage account.</summary>
    public const string ExpiryIndex = "ExpiryIndex";
    public const string SweepState = "SweepState";

    public static IReadOnlyList<string> All { get; } =
    [
        Users, UserEmails, Sessions, RefreshTokens, Throttles, ApiKeys, ApiKeyIndex, ApiKeyRateWindows, TwoFactor,
        Library, Passkeys, PasskeyCredentials, PasskeyChallenges, SocialFlows, SocialAccounts, SocialIdentities, SecurityEvents,
        EmailDeliveries, LifecycleTokens, SingleUseTokenHolders, ExpiryIndex, SweepState,
        PublishableKeys, PublishableKeyIndex,
        Organisations, OrganisationMemberships, OrganisationInvitations,
    ];
}

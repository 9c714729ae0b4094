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

    /// <summary>Bookmarks, their URL index and groups: a partition per user, so one transaction can span them.</summary>
    public const string Library = "Library";

    public const string Passkeys = "Passkeys";
    public const string PasskeyCredentials = "PasskeyCredentials";
    public const string PasskeyChallenges = "PasskeyChallenges";

    /// <summary>The security activity log: a partition per user, newest first.</summary>
    public const string SecurityEvents = "SecurityEvents";

    /// <summary>Ids of sent emails, so a redelivered outbox message is not sent twice.</summary>
    public const string EmailDeliveries = "EmailDeliveries";

    /// <summary>The expiry index (a partition per time bucket) and the sweep's checkpoint.</summary>
    public const string ExpiryIndex = "ExpiryIndex";
    public const string SweepState = "SweepState";

    public static IReadOnlyList<string> All { get; } =
    [
        Users, UserEmails, Sessions, RefreshTokens, Throttles, ApiKeys, ApiKeyIndex, ApiKeyRateWindows, TwoFactor,
        Library, Passkeys, PasskeyCredentials, PasskeyChallenges, SecurityEvents, EmailDeliveries, ExpiryIndex, SweepState,
    ];
}

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
    public const string ExpiryIndex = "ExpiryIndex";
    public const string SweepState = "SweepState";

    public static IReadOnlyList<string> All { get; } =
    [
        Users, UserEmails, Sessions, RefreshTokens, Throttles, ApiKeys, ApiKeyIndex, ApiKeyRateWindows,
        ExpiryIndex, SweepState,
    ];
}

namespace Bkmark.Core.SignIn;

/// <summary>
/// Device tokens (OWASP "device cookies", DESIGN.md §7): handed out on every password sign-in, they name the
/// account and a random device id, bound together by HMAC under the credential pepper. A later sign-in that
/// presents one for the same account is throttled on that device's own counter, so failures from elsewhere
/// cannot lock the owner out. Checking one needs no storage read. The HMAC also covers the account's security stamp,
/// so a recovery (a new stamp, DESIGN.md §14) turns every earlier device token into an unknown device.
/// </summary>
public sealed class DeviceTokens(CredentialHasher hasher)
{
    private const string Prefix = "bkd_";
    private const int DeviceIdBytes = 16;

    /// <summary><c>bkd_{userId}_{device id, 32 hex}_{HMAC, 64 hex}</c>.</summary>
    public string Issue(string userId, string securityStamp)
    {
        var deviceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(DeviceIdBytes));
        return $"{Prefix}{userId}_{deviceId}_{Mac(userId, securityStamp, deviceId)}";
    }

    /// <summary>
    /// The device's throttle subject when <paramref name="token"/> is genuine, names <paramref name="userId"/> and was
    /// issued under <paramref name="securityStamp"/>; null otherwise.
    /// </summary>
    public string? DeviceOf(string? token, string userId, string securityStamp)
    {
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = token[Prefix.Length..].Split('_');
        if (parts is not [var named, var deviceId, var mac] || named != userId
            || deviceId.Length != DeviceIdBytes * 2 || !deviceId.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(mac), Encoding.ASCII.GetBytes(Mac(userId, securityStamp, deviceId)))
            ? $"{userId}-{deviceId}"
            : null;
    }

    // Domain-separated from the bearer secrets hashed under the same pepper, none of which starts like this.
    // An account never recovered has an empty stamp: its tokens read as they did before stamps existed.
    private string Mac(string userId, string securityStamp, string deviceId) => securityStamp.Length == 0
        ? hasher.Hash($"device-token:{userId}:{deviceId}")
        : hasher.Hash($"device-token:{userId}:{securityStamp}:{deviceId}");
}

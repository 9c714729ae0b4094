namespace Bkmark.Core.ApiKeys;

/// <summary>The problems only API keys produce.</summary>
public static class ApiKeyProblems
{
    public static Problem ProPlanRequired() =>
        new(ErrorCodes.ApiAccessProRequired, "API keys are available on the Pro and Team plans. Upgrade your plan to create one.");

    public static Problem KeyLimitReached(int limit) =>
        new(ErrorCodes.KeyLimitReached, $"Your plan allows {limit} active API keys. Revoke one before creating another.");

    public static Problem RateLimited(RateLimitStatus status) =>
        new(ErrorCodes.RateLimited, $"This API key is limited to {status.Limit} requests a minute. Try again when the window resets.")
        {
            RetryAfter = status.ResetIn,
            Headers = status.Headers,
        };

    /// <summary>A key used from outside its <c>allowedIps</c> (DESIGN §10). Names only the caller's own address, never the ranges.</summary>
    public static Problem IpNotAllowed(string? clientIp) =>
        new(ErrorCodes.IpNotAllowed, $"This API key may not be used from {clientIp ?? "an unknown address"}. Its owner can change allowedIps.");

    /// <summary>An API key asked for a key that would outlive it or outrank its rate limit (DESIGN §7).</summary>
    public static Problem KeyLimitsExceeded(string detail) => new(ErrorCodes.KeyLimitsExceeded, detail);
}

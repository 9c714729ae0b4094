namespace Bkmark.Core.ApiKeys;

/// <summary>What one verification of an API key came to (DESIGN §18): the key-verification meter's <c>outcome</c> tag, and a per-key usage count.</summary>
public enum KeyVerificationOutcome
{
    Ok,
    RateLimited,
    IpRefused,
    Expired,
    Revoked,

    /// <summary>The owner's plan has no API access now, or support locked the account.</summary>
    Suspended,

    /// <summary>Not a key of ours (malformed, unknown, or a wrong secret): no key id to count it against, so only the meter counts it.</summary>
    Invalid,
}

public static class KeyVerificationOutcomes
{
    /// <summary>The outcomes a verification can be counted against a key for: every one with a key id, so all but <see cref="KeyVerificationOutcome.Invalid"/>.</summary>
    public static IReadOnlyList<KeyVerificationOutcome> PerKey { get; } =
        [KeyVerificationOutcome.Ok, KeyVerificationOutcome.RateLimited, KeyVerificationOutcome.IpRefused, KeyVerificationOutcome.Expired, KeyVerificationOutcome.Revoked, KeyVerificationOutcome.Suspended];

    /// <summary>The outcome's name in metrics and in the usage JSON's <c>outcomes</c>: <c>ok</c>, <c>rate_limited</c>…</summary>
    public static string NameOf(KeyVerificationOutcome outcome) => outcome switch
    {
        KeyVerificationOutcome.Ok => "ok",
        KeyVerificationOutcome.RateLimited => "rate_limited",
        KeyVerificationOutcome.IpRefused => "ip_refused",
        KeyVerificationOutcome.Expired => "expired",
        KeyVerificationOutcome.Revoked => "revoked",
        KeyVerificationOutcome.Suspended => "suspended",
        _ => "invalid",
    };
}

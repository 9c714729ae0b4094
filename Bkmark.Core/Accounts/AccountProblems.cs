namespace Bkmark.Core.Accounts;

/// <summary>The problems the account's own state answers with.</summary>
public static class AccountProblems
{
    /// <summary>
    /// DESIGN.md §14: until its address is confirmed, an account may be someone else's pre-registration of the
    /// owner's address, so nothing that would outlive the owner's reclaiming it (a second factor, a passkey, a
    /// social link, keys, organisations) may be added to it.
    /// </summary>
    public static Problem EmailNotVerified() => new(
        ErrorCodes.EmailNotVerified,
        "Confirm your email address first: follow the link we emailed you (POST /api/v1/me/email/verification sends a new one).");
}

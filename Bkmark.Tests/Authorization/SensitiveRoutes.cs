namespace Bkmark.Tests.Authorization;

/// <summary>
/// Every route DESIGN.md §8 calls sensitive that exists today: each needs a sign-in from the last
/// <c>StepUp__MaxAge</c>. A new sensitive action (social link and unlink, organisations) adds its route here,
/// and <see cref="StepUpTests"/> walks it.
/// </summary>
public static class SensitiveRoutes
{
    // Any well-formed id (of a passkey, a key or an organisation): the step-up check comes before the lookup.
    private const string SomePasskeyId = "01JABCDEFGHJKMNPQRSTVWXYZ0";

    public static TheoryData<string, string> All => new()
    {
        { "POST", "api/v1/me/passkeys/options" },
        { "POST", "api/v1/me/passkeys" },
        { "PATCH", $"api/v1/me/passkeys/{SomePasskeyId}" },
        { "DELETE", $"api/v1/me/passkeys/{SomePasskeyId}" },
        { "POST", "api/v1/me/two-factor/totp/setup" },
        { "POST", "api/v1/me/two-factor/totp/enable" },
        { "POST", "api/v1/me/two-factor/totp/disable" },
        { "POST", "api/v1/me/two-factor/backup-codes" },
        { "POST", "api/v1/api-keys" },
        { "POST", $"api/v1/api-keys/{SomePasskeyId}/roll" },
        { "POST", "api/v1/me/social-accounts/local/link" },
        { "DELETE", $"api/v1/me/social-accounts/{SomePasskeyId}" },
        { "POST", "api/v1/orgs" },
        { "POST", $"api/v1/orgs/{SomePasskeyId}/leave" },
        { "POST", $"api/v1/orgs/{SomePasskeyId}/api-keys" },
        { "POST", $"api/v1/orgs/{SomePasskeyId}/invitations" },
        { "POST", "api/v1/me/password" },
        { "POST", "api/v1/me/email" },

        // Deleting the account takes a fresh sign-in or the password; without the password, step-up decides.
        { "DELETE", "api/v1/me" },
    };

    /// <summary>A body each route accepts far enough to get past parsing.</summary>
    public static object BodyFor(string path) => path switch
    {
        "api/v1/api-keys" => new { name = "step-up", scopes = new[] { "bookmarks:read" } },
        _ when path.EndsWith("/roll", StringComparison.Ordinal) => new { expiresPreviousIn = 0 },
        _ when path.EndsWith("/api-keys", StringComparison.Ordinal) => new { name = "step-up", scopes = new[] { "bookmarks:read" } },
        _ when path.EndsWith("/invitations", StringComparison.Ordinal) => new { email = "invited@example.com", role = "member" },
        "api/v1/orgs" => new { name = "step-up" },
        "api/v1/me/password" => new { currentPassword = "wrong password", newPassword = "a new passphrase" },
        "api/v1/me/email" => new { newEmail = "moved@example.com", password = "wrong password" },
        _ when path.StartsWith("api/v1/me/passkeys/", StringComparison.Ordinal) && !path.EndsWith("options", StringComparison.Ordinal) => new { name = "renamed" },
        _ => new { code = "000000" },
    };
}

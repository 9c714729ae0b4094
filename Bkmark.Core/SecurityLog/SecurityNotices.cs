namespace Bkmark.Core.SecurityLog;

/// <summary>
/// What a security notice says: what happened (<see cref="Subject"/>, and <see cref="Lead"/>, the first paragraph,
/// from the event's details), and the event whose recording sends it; <see langword="null"/> for one its capability
/// sends itself through <see cref="SecurityNotifier.SendAsync"/>.
/// </summary>
internal sealed record SecurityNotice(string Name, string? EventType, string Subject, Func<IReadOnlyDictionary<string, string>, string> Lead)
{
    /// <summary>Whether Bkmark support did it (an <c>operator.*</c> event): the email names support, not an address and a browser.</summary>
    public bool BySupport => EventType?.StartsWith(SecurityEventTypes.OperatorPrefix, StringComparison.Ordinal) == true;
}

/// <summary>
/// The security notices (DESIGN.md §9, Notifications), one row each; <see cref="SecurityNoticeTemplate"/> frames every
/// one with when, where from and which browser, what to do if it was not them, and the security page's link.
/// </summary>
internal static class SecurityNotices
{
    /// <summary>
    /// A password sign-in that presented no valid device token: a device this account has not signed in from (DESIGN.md §7,
    /// §9). Sent by SignInService, which alone knows whether the device was known; every sign-in records the same event.
    /// </summary>
    public const string NewDeviceSignIn = "signin-new-device";

    public static IReadOnlyList<SecurityNotice> All { get; } =
    [
        // A new key reaches the library within its scopes until it expires or is revoked. The prefix names it as the
        // list shows it; the key itself is never in an email.
        new("apikey-created", SecurityEventTypes.ApiKeyCreated, "A new API key was created for your Bkmark account",
            values => $"An API key starting with {values.GetValueOrDefault("keyPrefix", "bk_")}… was created for your Bkmark account."),

        // Whoever holds it can now sign in without the password.
        new("passkey-added", SecurityEventTypes.PasskeyAdded, "A passkey was added to your Bkmark account",
            values => $"A passkey named \"{values.GetValueOrDefault("name", "Passkey")}\" was added to your Bkmark account. It can sign in without your password."),

        // From now on a password alone signs in.
        new("twofactor-disabled", SecurityEventTypes.TwoFactorDisabled, "Two-factor authentication was turned off",
            _ => "Two-factor authentication was turned off for your Bkmark account, and its backup codes were deleted. Signing in now needs only your password."),

        // DESIGN.md §14, notices: what an intruder could add or change quietly, so the owner hears of it.
        new("social-linked", SecurityEventTypes.SocialLinked, "A social account was connected to your Bkmark account",
            values => $"A {values.GetValueOrDefault("provider", "social")} account was connected to your Bkmark account. It can sign in without your password."),
        new("social-unlinked", SecurityEventTypes.SocialUnlinked, "A social account was disconnected from your Bkmark account",
            values => $"A {values.GetValueOrDefault("provider", "social")} account was disconnected from your Bkmark account; it no longer signs in to it."),
        new("passkey-removed", SecurityEventTypes.PasskeyRemoved, "A passkey was removed from your Bkmark account",
            _ => "A passkey was removed from your Bkmark account; it no longer signs in to it."),
        new("apikey-rolled", SecurityEventTypes.ApiKeyRolled, "An API key of your Bkmark account was rolled",
            values => $"The API key starting with {values.GetValueOrDefault("keyPrefix", "bk_")}… was rolled: a new value was issued, and the previous one stops at the end of its grace."),
        new("apikey-updated", SecurityEventTypes.ApiKeyUpdated, "An API key of your Bkmark account was changed",
            values => $"The API key starting with {values.GetValueOrDefault("keyPrefix", "bk_")}… was changed (its name, scopes, rate limit, expiry or allowed addresses)."),
        new("email-change-requested", SecurityEventTypes.EmailChangeRequested, "A change of your Bkmark email address was asked for",
            _ => "Someone signed in to your Bkmark account asked to move it to another email address. Nothing changes unless the link sent to the new address is followed; asking again, or changing your password, voids that link."),

        // Says what was done, since the account may have been the owner's own all along (the library stays).
        new("account-reclaimed", SecurityEventTypes.AccountReclaimed, "Your Bkmark account was secured",
            values => "The email address of your Bkmark account had never been confirmed, so when you proved it is yours " +
                (values.GetValueOrDefault("method") == "social" ? "by signing in with your social account" : "with a password reset") +
                ", every session was signed out, every earlier link and remembered device stopped working, any authenticator app and passkey on the account were removed" +
                (values.GetValueOrDefault("method") == "social" ? ", and its password was removed (add one from the security page if you want one)" : "") +
                ". Your bookmarks stay. Review the account's keys and connected accounts on the security page."),
        // DESIGN §14: the lost-phone path changes the second factor without a code from the app, so its owner hears of each step.
        new("twofactor-replaced", SecurityEventTypes.TwoFactorReplaced, "Your Bkmark authenticator app was replaced",
            _ => "A new authenticator app was enabled for your Bkmark account: codes from the previous one no longer work, and new backup codes " +
                "replaced the old ones."),
        new("backupcodes-regenerated", SecurityEventTypes.BackupCodesRegenerated, "New backup codes were made for your Bkmark account",
            _ => "A new set of backup codes was made for your Bkmark account; the previous codes no longer work."),

        new(NewDeviceSignIn, EventType: null, "New sign-in to your Bkmark account",
            _ => "Your Bkmark account was just signed in to from a device it has not seen before."),

        // What support did (DESIGN §16): every act of theirs on an account is told to its person, reads included.
        new("operator-account-viewed", SecurityEventTypes.OperatorAccountViewed, "Bkmark support looked up your account",
            _ => "Bkmark support looked up your Bkmark account: its plan, sign-in methods and status."),
        new("operator-security-events-viewed", SecurityEventTypes.OperatorSecurityEventsViewed, "Bkmark support read your account's security activity",
            _ => "Bkmark support read the security activity of your Bkmark account (sign-ins, keys and changes of the last 90 days)."),
        new("operator-account-locked", SecurityEventTypes.OperatorAccountLocked, "Bkmark support locked your account",
            values => $"Bkmark support locked your Bkmark account ({values.GetValueOrDefault("reason", "no reason given")}). Every session was signed " +
                "out; until support unlocks it, nothing signs in to it and its API keys do not work."),
        new("operator-account-unlocked", SecurityEventTypes.OperatorAccountUnlocked, "Bkmark support unlocked your account",
            _ => "Bkmark support unlocked your Bkmark account. You can sign in again, and its API keys work again."),
        new("operator-signed-out", SecurityEventTypes.OperatorSignedOut, "Bkmark support signed your account out everywhere",
            _ => "Bkmark support ended every session of your Bkmark account: every device has to sign in again."),
        new("operator-twofactor-reset", SecurityEventTypes.OperatorTwoFactorReset, "Bkmark support removed your two-factor authentication",
            _ => "Bkmark support removed two-factor authentication from your Bkmark account, with its backup codes. Signing in now needs " +
                "only your password: set up a new authenticator in your security settings."),
        new("operator-organisation-owner-set", SecurityEventTypes.OperatorOrganisationOwnerSet, "Bkmark support made you an owner of an organisation",
            values => $"Bkmark support made you an owner of the organisation \"{values.GetValueOrDefault("organisation", "")}\" on Bkmark."),
    ];
}

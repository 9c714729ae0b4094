using System.Collections.Frozen;
using System.Runtime.CompilerServices;

namespace Bkmark.Functions.Http;

/// <summary>
/// Who may call each HTTP route: one entry per HTTP function, read by the functions themselves (every authenticated
/// function authenticates through <see cref="AuthenticateRouteAsync"/>, which looks its own name up here) and by the
/// tests (RoutePolicyTests: every HTTP function has an entry, a function-key entry is a function-key trigger, and each
/// policy behaves as declared). A new route without an entry fails those tests and answers 500 if called.
/// </summary>
/// <remarks>
/// A table rather than an attribute on each function: the whole surface reads in one screen, which is how a security
/// review reads it, and a route's policy changes here, where the change is seen beside its neighbours'.
/// </remarks>
public static class RoutePolicies
{
    public static FrozenDictionary<string, RoutePolicy> All { get; } = new Dictionary<string, RoutePolicy>(StringComparer.Ordinal)
    {
        // Signing in, links from emails, public documents: no credential.
        [nameof(AuthFunctions.Register)] = RoutePolicy.Anonymous,
        [nameof(AuthFunctions.Login)] = RoutePolicy.Anonymous,
        [nameof(AuthFunctions.LoginWithSecurityKey)] = RoutePolicy.Anonymous,
        [nameof(PasswordFunctions.RatePasswordStrength)] = RoutePolicy.Anonymous,
        [nameof(AuthFunctions.Refresh)] = RoutePolicy.Anonymous,
        [nameof(AuthFunctions.Jwks)] = RoutePolicy.Anonymous,
        [nameof(PasskeyFunctions.BeginPasskeySignIn)] = RoutePolicy.Anonymous,
        [nameof(PasskeyFunctions.PasskeySignIn)] = RoutePolicy.Anonymous,
        [nameof(PasswordFunctions.RequestPasswordReset)] = RoutePolicy.Anonymous,
        [nameof(PasswordFunctions.CompletePasswordReset)] = RoutePolicy.Anonymous,
        [nameof(EmailAddressFunctions.VerifyEmail)] = RoutePolicy.Anonymous,
        [nameof(EmailAddressFunctions.ConfirmEmailChange)] = RoutePolicy.Anonymous,
        [nameof(SocialFunctions.ListSocialProviders)] = RoutePolicy.Anonymous,
        [nameof(SocialFunctions.StartSocialSignIn)] = RoutePolicy.Anonymous,
        [nameof(SocialFunctions.SocialSignInCallback)] = RoutePolicy.Anonymous,
        [nameof(SocialFunctions.CompleteSocialSignIn)] = RoutePolicy.Anonymous,
        [nameof(OpenApiFunctions.GetOpenApiDocument)] = RoutePolicy.Anonymous,
        [nameof(SecurityPageFunctions.SecurityPage)] = RoutePolicy.Anonymous,
        [nameof(SecurityPageFunctions.SecurityPageScript)] = RoutePolicy.Anonymous,
        [nameof(SecurityPageFunctions.SecurityPageStyle)] = RoutePolicy.Anonymous,
        [nameof(HealthFunctions.Health)] = RoutePolicy.Anonymous,

        // Operators and partners: the host checks the function key.
        [nameof(AdminFunctions.SetUserPlan)] = RoutePolicy.FunctionKey,
        [nameof(AdminFunctions.FindUser)] = RoutePolicy.FunctionKey,
        [nameof(AdminFunctions.LockUser)] = RoutePolicy.FunctionKey,
        [nameof(AdminFunctions.UnlockUser)] = RoutePolicy.FunctionKey,
        [nameof(AdminFunctions.SignOutUser)] = RoutePolicy.FunctionKey,
        [nameof(AdminFunctions.ResetUserTwoFactor)] = RoutePolicy.FunctionKey,
        [nameof(AdminFunctions.ListUserSecurityEvents)] = RoutePolicy.FunctionKey,
        [nameof(AdminFunctions.SetOrganisationOwner)] = RoutePolicy.FunctionKey,
        [nameof(AdminFunctions.DiagnoseRequest)] = RoutePolicy.FunctionKey,

        // A secret-scanning partner: GitHub's signature over the body, or the reporters' function key (LeakReporters).
        [nameof(ApiKeyLeakFunctions.ReportLeakedApiKeys)] = RoutePolicy.LeakReporter,

        // The publishable key in the path.
        [nameof(PublicGroupFunctions.GetPublicGroup)] = RoutePolicy.PublishableKey,
        [nameof(PublicGroupFunctions.PreflightPublicGroup)] = RoutePolicy.PublishableKey,
        [nameof(PublicGroupFunctions.ListPublicGroupBookmarks)] = RoutePolicy.PublishableKey,
        [nameof(PublicGroupFunctions.PreflightPublicGroupBookmarks)] = RoutePolicy.PublishableKey,

        // Any credential.
        [nameof(AuthFunctions.Verify)] = RoutePolicy.AnyCredential,

        // A person's session or API key.
        [nameof(ApiKeyFunctions.ListApiKeys)] = RoutePolicy.KeyOrSession(),
        [nameof(ApiKeyFunctions.GetApiKey)] = RoutePolicy.KeyOrSession(),
        [nameof(ApiKeyFunctions.UpdateApiKey)] = RoutePolicy.KeyOrSession(),
        [nameof(ApiKeyFunctions.RevokeApiKey)] = RoutePolicy.KeyOrSession(),
        [nameof(ApiKeyUsageFunctions.GetApiKeyUsage)] = RoutePolicy.KeyOrSession(),
        [nameof(SandboxFunctions.ResetSandbox)] = RoutePolicy.KeyOrSession(Scopes.Destructive),

        // A person's API key, or their session with a recent sign-in (DESIGN §8: it hands out a secret).
        [nameof(ApiKeyFunctions.CreateApiKey)] = RoutePolicy.KeyOrRecentSession,
        [nameof(ApiKeyFunctions.RollApiKey)] = RoutePolicy.KeyOrRecentSession,

        // A signed-in session: account security is not for API keys.
        // Account-level reads are for sessions too (DESIGN §15): a leaked narrow key must not tell whose it is.
        [nameof(AuthFunctions.Logout)] = RoutePolicy.Session,
        [nameof(MeFunctions.GetMe)] = RoutePolicy.Session,
        [nameof(BillingFunctions.GetMyPlan)] = RoutePolicy.Session,
        [nameof(ReauthenticationFunctions.Reauthenticate)] = RoutePolicy.Session,
        [nameof(MeFunctions.DeleteMe)] = RoutePolicy.Session, // a recent sign-in or the password in the body (AccountDeletionService)
        [nameof(EmailAddressFunctions.ResendEmailVerification)] = RoutePolicy.Session,
        [nameof(SessionFunctions.ListSessions)] = RoutePolicy.Session,
        [nameof(SessionFunctions.RevokeSession)] = RoutePolicy.Session,
        [nameof(SessionFunctions.RevokeOtherSessions)] = RoutePolicy.Session,
        [nameof(SecurityEventFunctions.ListSecurityEvents)] = RoutePolicy.Session,
        [nameof(SecurityReviewFunctions.GetSecurityReview)] = RoutePolicy.Session,
        [nameof(PasskeyFunctions.ListPasskeys)] = RoutePolicy.Session,
        [nameof(TwoFactorFunctions.GetTwoFactor)] = RoutePolicy.Session,
        [nameof(SocialFunctions.ListSocialAccounts)] = RoutePolicy.Session,
        [nameof(PublishableKeyFunctions.CreatePublishableKey)] = RoutePolicy.Session,
        [nameof(PublishableKeyFunctions.ListPublishableKeys)] = RoutePolicy.Session,
        [nameof(PublishableKeyFunctions.DeletePublishableKey)] = RoutePolicy.Session,
        [nameof(OrganisationFunctions.ListOrganisations)] = RoutePolicy.Session,
        [nameof(OrganisationFunctions.GetOrganisation)] = RoutePolicy.Session,
        [nameof(OrganisationFunctions.ListOrganisationMembers)] = RoutePolicy.Session,
        [nameof(OrganisationFunctions.ChangeOrganisationMemberRole)] = RoutePolicy.Session,
        [nameof(OrganisationFunctions.RemoveOrganisationMember)] = RoutePolicy.Session,
        [nameof(OrganisationFunctions.ListOrganisationInvitations)] = RoutePolicy.Session,
        [nameof(OrganisationFunctions.RevokeOrganisationInvitation)] = RoutePolicy.Session,
        [nameof(OrganisationFunctions.AcceptOrganisationInvitation)] = RoutePolicy.Session,

        // A session with a recent sign-in: the sensitive actions of DESIGN §8.
        [nameof(PasswordFunctions.ChangePassword)] = RoutePolicy.RecentSession,
        [nameof(EmailAddressFunctions.ChangeEmail)] = RoutePolicy.RecentSession,
        [nameof(PasskeyFunctions.BeginPasskeyRegistration)] = RoutePolicy.RecentSession,
        [nameof(PasskeyFunctions.RegisterPasskey)] = RoutePolicy.RecentSession,
        [nameof(PasskeyFunctions.RenamePasskey)] = RoutePolicy.RecentSession,
        [nameof(PasskeyFunctions.DeletePasskey)] = RoutePolicy.RecentSession,
        [nameof(TwoFactorFunctions.SetupTotp)] = RoutePolicy.RecentSession,
        [nameof(TwoFactorFunctions.EnableTotp)] = RoutePolicy.RecentSession,
        [nameof(TwoFactorFunctions.DisableTotp)] = RoutePolicy.RecentSession,
        [nameof(TwoFactorFunctions.RegenerateBackupCodes)] = RoutePolicy.RecentSession,
        [nameof(SocialFunctions.LinkSocialAccount)] = RoutePolicy.RecentSession,
        [nameof(SocialFunctions.UnlinkSocialAccount)] = RoutePolicy.RecentSession,
        [nameof(OrganisationFunctions.CreateOrganisation)] = RoutePolicy.RecentSession,
        [nameof(OrganisationFunctions.LeaveOrganisation)] = RoutePolicy.RecentSession,
        [nameof(OrganisationFunctions.InviteOrganisationMember)] = RoutePolicy.RecentSession, // a way in for someone else (DESIGN §15)

        // An organisation's admins and owners (DESIGN §12).
        [nameof(ApiKeyFunctions.ListOrganisationApiKeys)] = RoutePolicy.OrganisationManager,
        [nameof(ApiKeyFunctions.RevokeOrganisationApiKey)] = RoutePolicy.OrganisationManager,
        [nameof(ApiKeyUsageFunctions.GetOrganisationApiKeyUsage)] = RoutePolicy.OrganisationManager,
        [nameof(OrganisationFunctions.ListOrganisationSecurityEvents)] = RoutePolicy.OrganisationManager,
        [nameof(ApiKeyFunctions.CreateOrganisationApiKey)] = RoutePolicy.RecentOrganisationManager,

        // The library routes, the caller's own and an organisation's alike.
        [nameof(BookmarkFunctions.ListBookmarks)] = RoutePolicy.Library(Scopes.BookmarksRead),
        [nameof(BookmarkFunctions.ListOrganisationBookmarks)] = RoutePolicy.Library(Scopes.BookmarksRead),
        [nameof(BookmarkFunctions.GetBookmark)] = RoutePolicy.Library(Scopes.BookmarksRead),
        [nameof(BookmarkFunctions.GetOrganisationBookmark)] = RoutePolicy.Library(Scopes.BookmarksRead),
        [nameof(BookmarkFunctions.ListTrash)] = RoutePolicy.Library(Scopes.BookmarksRead),
        [nameof(BookmarkFunctions.ListOrganisationTrash)] = RoutePolicy.Library(Scopes.BookmarksRead),
        [nameof(BookmarkFunctions.CreateBookmark)] = RoutePolicy.Library(Scopes.BookmarksWrite),
        [nameof(BookmarkFunctions.CreateOrganisationBookmark)] = RoutePolicy.Library(Scopes.BookmarksWrite),
        [nameof(BookmarkFunctions.UpdateBookmark)] = RoutePolicy.Library(Scopes.BookmarksWrite),
        [nameof(BookmarkFunctions.UpdateOrganisationBookmark)] = RoutePolicy.Library(Scopes.BookmarksWrite),
        [nameof(BookmarkFunctions.RestoreBookmark)] = RoutePolicy.Library(Scopes.BookmarksWrite),
        [nameof(BookmarkFunctions.RestoreOrganisationBookmark)] = RoutePolicy.Library(Scopes.BookmarksWrite),
        // To the trash; with ?permanent=true it also needs destructive (BookmarkFunctions.DeleteAsync).
        [nameof(BookmarkFunctions.DeleteBookmark)] = RoutePolicy.Library(Scopes.BookmarksWrite),
        [nameof(BookmarkFunctions.DeleteOrganisationBookmark)] = RoutePolicy.Library(Scopes.BookmarksWrite),
        [nameof(BookmarkFunctions.EmptyTrash)] = RoutePolicy.Library(Scopes.BookmarksWrite, Scopes.Destructive),
        [nameof(BookmarkFunctions.EmptyOrganisationTrash)] = RoutePolicy.Library(Scopes.BookmarksWrite, Scopes.Destructive),
        [nameof(GroupFunctions.ListGroups)] = RoutePolicy.Library(Scopes.GroupsRead),
        [nameof(GroupFunctions.ListOrganisationGroups)] = RoutePolicy.Library(Scopes.GroupsRead),
        [nameof(GroupFunctions.GetGroup)] = RoutePolicy.Library(Scopes.GroupsRead),
        [nameof(GroupFunctions.GetOrganisationGroup)] = RoutePolicy.Library(Scopes.GroupsRead),
        [nameof(GroupFunctions.CreateGroup)] = RoutePolicy.Library(Scopes.GroupsWrite),
        [nameof(GroupFunctions.CreateOrganisationGroup)] = RoutePolicy.Library(Scopes.GroupsWrite),
        [nameof(GroupFunctions.UpdateGroup)] = RoutePolicy.Library(Scopes.GroupsWrite),
        [nameof(GroupFunctions.UpdateOrganisationGroup)] = RoutePolicy.Library(Scopes.GroupsWrite),
        [nameof(GroupFunctions.DeleteGroup)] = RoutePolicy.Library(Scopes.GroupsWrite),
        [nameof(GroupFunctions.DeleteOrganisationGroup)] = RoutePolicy.Library(Scopes.GroupsWrite),
        [nameof(TagFunctions.ListTags)] = RoutePolicy.Library(Scopes.TagsRead),
        [nameof(TagFunctions.ListOrganisationTags)] = RoutePolicy.Library(Scopes.TagsRead),
        [nameof(TagFunctions.RenameTag)] = RoutePolicy.Library(Scopes.TagsWrite),
        [nameof(TagFunctions.RenameOrganisationTag)] = RoutePolicy.Library(Scopes.TagsWrite),
        [nameof(TagFunctions.DeleteTag)] = RoutePolicy.Library(Scopes.TagsWrite),
        [nameof(TagFunctions.DeleteOrganisationTag)] = RoutePolicy.Library(Scopes.TagsWrite),
        [nameof(SearchFunctions.SearchBookmarks)] = RoutePolicy.Library(Scopes.SearchRead),
        [nameof(SearchFunctions.SearchOrganisationBookmarks)] = RoutePolicy.Library(Scopes.SearchRead),
        [nameof(ImportExportFunctions.ExportBookmarks)] = RoutePolicy.Library(Scopes.Export),
        [nameof(ImportExportFunctions.ExportOrganisationBookmarks)] = RoutePolicy.Library(Scopes.Export),
        [nameof(ImportExportFunctions.ImportBookmarks)] = RoutePolicy.Library(Scopes.Import),
        [nameof(ImportExportFunctions.ImportOrganisationBookmarks)] = RoutePolicy.Library(Scopes.Import),
        [nameof(SandboxFunctions.ResetOrganisationSandbox)] = RoutePolicy.Library(Scopes.Destructive),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The policy of HTTP function <paramref name="function"/>.</summary>
    /// <exception cref="InvalidOperationException">The function has no entry: a route added without a policy.</exception>
    public static RoutePolicy Of(string function) =>
        All.TryGetValue(function, out var policy) ? policy : throw new InvalidOperationException($"Function {function} has no entry in RoutePolicies.");

    /// <summary>
    /// Authenticates the request as the calling function's entry says. <paramref name="function"/> is the calling
    /// member's name, filled in by the compiler: a helper shared by several functions takes it from them the same way.
    /// </summary>
    /// <param name="orgId">The route's <c>{orgId}</c>, on an organisation's route.</param>
    public static Task<Result<Caller>> AuthenticateRouteAsync(
        this PolicyAuthenticator authenticator, HttpRequest request, CancellationToken cancellationToken, string? orgId = null,
        [CallerMemberName] string function = "")
    {
        ArgumentNullException.ThrowIfNull(authenticator);
        return authenticator.AuthenticateAsync(request, Of(function), orgId, cancellationToken);
    }
}

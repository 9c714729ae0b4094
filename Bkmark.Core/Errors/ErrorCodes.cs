namespace Bkmark.Core.Errors;

/// <summary>The stable error codes of DESIGN.md §2, each with its one HTTP status and title.</summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "VALIDATION_FAILED";
    public const string MissingToken = "MISSING_TOKEN";
    public const string CredentialsInUrl = "CREDENTIALS_IN_URL";
    public const string InvalidToken = "INVALID_TOKEN";
    public const string TokenRevoked = "TOKEN_REVOKED";
    public const string TokenExpired = "TOKEN_EXPIRED";
    public const string InvalidCredentials = "INVALID_CREDENTIALS";
    public const string TwoFactorRequired = "TWO_FACTOR_REQUIRED";
    public const string InvalidTwoFactorCode = "INVALID_TWO_FACTOR_CODE";
    public const string ScopeRequired = "SCOPE_REQUIRED";
    public const string ApiAccessProRequired = "API_ACCESS_PRO_REQUIRED";
    public const string KeyLimitReached = "KEY_LIMIT_REACHED";
    public const string ApiKeyNotAllowed = "API_KEY_NOT_ALLOWED";
    public const string NotFound = "NOT_FOUND";
    public const string Conflict = "CONFLICT";
    public const string EmailTaken = "EMAIL_TAKEN";
    public const string TooManyAttempts = "TOO_MANY_ATTEMPTS";
    public const string RateLimited = "RATE_LIMITED";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string StorageUnavailable = "STORAGE_UNAVAILABLE";
    public const string CsrfCheckFailed = "CSRF_CHECK_FAILED";
    public const string InternalError = "INTERNAL_ERROR";

    public const string KeyLimitsExceeded = "KEY_LIMITS_EXCEEDED";
    public const string ReauthenticationRequired = "REAUTHENTICATION_REQUIRED";
    public const string IpNotAllowed = "IP_NOT_ALLOWED";
    public const string LibraryFull = "LIBRARY_FULL";

    public const string SocialSignInFailed = "SOCIAL_SIGN_IN_FAILED";
    public const string SocialEmailUnverified = "SOCIAL_EMAIL_UNVERIFIED";
    public const string SocialAccountNotLinked = "SOCIAL_ACCOUNT_NOT_LINKED";
    public const string SocialAccountInUse = "SOCIAL_ACCOUNT_IN_USE";
    public const string LastSignInMethod = "LAST_SIGN_IN_METHOD";
    public const string SocialProviderUnavailable = "SOCIAL_PROVIDER_UNAVAILABLE";
    public const string TestKeyRequired = "TEST_KEY_REQUIRED";
    public const string PublishableKeyNotAllowed = "PUBLISHABLE_KEY_NOT_ALLOWED";
    public const string PublishableKeyRequired = "PUBLISHABLE_KEY_REQUIRED";
    public const string OriginNotAllowed = "ORIGIN_NOT_ALLOWED";
    public const string TeamPlanRequired = "TEAM_PLAN_REQUIRED";
    public const string OrganisationRoleRequired = "ORGANISATION_ROLE_REQUIRED";
    public const string OrganisationKeyNotAllowed = "ORGANISATION_KEY_NOT_ALLOWED";
    public const string LastOwner = "LAST_OWNER";
    public const string AccountLocked = "ACCOUNT_LOCKED";

    public const string PasswordTooWeak = "PASSWORD_TOO_WEAK";
    public const string PasswordBreached = "PASSWORD_BREACHED";

    // The one place a code gets its status: a code can never answer with two.
    private static readonly Dictionary<string, (int Status, string Title)> Table = new()
    {
        [ValidationFailed] = (400, "Validation failed"),
        [CredentialsInUrl] = (400, "Credentials in URL"),
        [PasswordTooWeak] = (400, "Password too weak"),
        [PasswordBreached] = (400, "Password in a known breach"),
        [MissingToken] = (401, "Missing token"),
        [InvalidToken] = (401, "Invalid token"),
        [TokenRevoked] = (401, "Token revoked"),
        [TokenExpired] = (401, "Token expired"),
        [InvalidCredentials] = (401, "Invalid credentials"),
        [TwoFactorRequired] = (401, "Two-factor code required"),
        [InvalidTwoFactorCode] = (401, "Invalid two-factor code"),
        [ScopeRequired] = (403, "Scope required"),
        [ApiAccessProRequired] = (403, "API access requires a paid plan"),
        [KeyLimitReached] = (403, "API key limit reached"),
        [ApiKeyNotAllowed] = (403, "API key not allowed"),
        [CsrfCheckFailed] = (403, "Cross-site request refused"),
        [KeyLimitsExceeded] = (403, "Key limits exceeded"),
        [ReauthenticationRequired] = (403, "Reauthentication required"),
        [IpNotAllowed] = (403, "IP address not allowed"),
        [TestKeyRequired] = (403, "Test key required"),
        [PublishableKeyNotAllowed] = (403, "Publishable key not allowed"),
        [PublishableKeyRequired] = (403, "Publishable key required"),
        [OriginNotAllowed] = (403, "Origin not allowed"),
        [TeamPlanRequired] = (403, "Team plan required"),
        [OrganisationRoleRequired] = (403, "Organisation role required"),
        [OrganisationKeyNotAllowed] = (403, "Organisation API key not allowed"),
        [AccountLocked] = (403, "Account locked"),
        [NotFound] = (404, "Not found"),
        [Conflict] = (409, "Conflict"),
        [EmailTaken] = (409, "Email taken"),
        [LibraryFull] = (409, "Library full"),
        [SocialSignInFailed] = (401, "Social sign-in failed"),
        [SocialEmailUnverified] = (403, "Email not verified by the provider"),
        [SocialAccountNotLinked] = (409, "Account exists but is not linked"),
        [SocialAccountInUse] = (409, "Social account linked elsewhere"),
        [LastSignInMethod] = (409, "Last way to sign in"),
        [SocialProviderUnavailable] = (502, "Identity provider unavailable"),
        [LastOwner] = (409, "Last owner"),
        [PayloadTooLarge] = (413, "Payload too large"),
        [UnsupportedMediaType] = (415, "Unsupported media type"),
        [TooManyAttempts] = (429, "Too many attempts"),
        [RateLimited] = (429, "Rate limited"),
        [StorageUnavailable] = (503, "Storage unavailable"),
        [InternalError] = (500, "Internal error"),
    };

    /// <summary>Every code this table knows, for the test that each has exactly one status and a title.</summary>
    public static IReadOnlyCollection<string> All => Table.Keys;

    /// <summary>The HTTP status of <paramref name="code"/>.</summary>
    /// <exception cref="ArgumentException">The code is not in the table: a bug, not a client error.</exception>
    public static int StatusOf(string code) => Entry(code).Status;

    public static string TitleOf(string code) => Entry(code).Title;

    private static (int Status, string Title) Entry(string code) =>
        Table.TryGetValue(code, out var entry) ? entry : throw new ArgumentException($"'{code}' is not an error code of ErrorCodes.", nameof(code));
}

/// <summary>Factories for the problems every feature returns, so one code always has one status.</summary>
public static class Problems
{
    public static Problem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static Problem Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(ErrorCodes.ValidationFailed, "One or more fields are invalid.") { Errors = errors };

    public static Problem MissingToken() =>
        new(ErrorCodes.MissingToken, "Send an access token or API key in the Authorization header.");

    public static Problem CredentialsInUrl(string parameter) =>
        new(ErrorCodes.CredentialsInUrl, $"Credentials are not accepted in the query string ('{parameter}'); send them in the Authorization header. Treat the credential as leaked.");

    public static Problem InvalidToken(string detail = "The credential is not valid.") =>
        new(ErrorCodes.InvalidToken, detail);

    public static Problem TokenRevoked(string detail) => new(ErrorCodes.TokenRevoked, detail);

    public static Problem TokenExpired(string detail) => new(ErrorCodes.TokenExpired, detail);

    public static Problem InvalidCredentials() =>
        new(ErrorCodes.InvalidCredentials, "The email or password is incorrect.");

    public static Problem ApiKeyNotAllowed() =>
        new(ErrorCodes.ApiKeyNotAllowed, "This endpoint needs a signed-in session; API keys cannot use it.");

    public static Problem OrganisationKeyNotAllowed() =>
        new(ErrorCodes.OrganisationKeyNotAllowed, "An organisation's API key acts only on its organisation's library (/api/v1/orgs/{orgId}/…, or the library routes); it cannot use this endpoint.");

    /// <summary>403 <c>ACCOUNT_LOCKED</c>: Bkmark support locked the account (DESIGN §16); nothing of it works until they unlock it.</summary>
    public static Problem AccountLocked() =>
        new(ErrorCodes.AccountLocked, "This account is locked by Bkmark support. Contact support to have it unlocked.");

    public static Problem ScopeRequired(string scope) =>
        new(ErrorCodes.ScopeRequired, $"This request needs the '{scope}' scope.") { RequiredScope = scope };

    public static Problem NotFound(string what) => new(ErrorCodes.NotFound, $"{what} was not found.");

    /// <summary>409 <c>CONFLICT</c>: the state the request needs is not there, or a concurrent change won the race.</summary>
    public static Problem Conflict(string detail) => new(ErrorCodes.Conflict, detail);

    /// <summary>What <see cref="Storage.OptimisticConcurrency"/> answers when every attempt lost its race.</summary>
    public static Problem ConcurrentChange() =>
        Conflict("A concurrent change to the same data won the race. Retrying is safe.");

    public static Problem TooManyAttempts(TimeSpan retryAfter) =>
        new(ErrorCodes.TooManyAttempts, "Too many failed attempts. Try again later.") { RetryAfter = retryAfter };

    public static Problem PayloadTooLarge(long limitBytes) =>
        new(ErrorCodes.PayloadTooLarge, $"The request body is larger than {limitBytes} bytes.");

    public static Problem StorageUnavailable() =>
        new(ErrorCodes.StorageUnavailable, "Storage is unavailable. Try again shortly.") { RetryAfter = TimeSpan.FromSeconds(5) };
}

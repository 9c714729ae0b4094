namespace Bkmark.Core.Errors;

/// <summary>The stable error codes of DESIGN.md §2, and the factories that build their problems.</summary>
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
    public const string ReauthenticationRequired = "REAUTHENTICATION_REQUIRED";

    private static readonly Dictionary<string, string> Titles = new()
    {
        [ValidationFailed] = "Validation failed",
        [MissingToken] = "Missing token",
        [CredentialsInUrl] = "Credentials in URL",
        [InvalidToken] = "Invalid token",
        [TokenRevoked] = "Token revoked",
        [TokenExpired] = "Token expired",
        [InvalidCredentials] = "Invalid credentials",
        [TwoFactorRequired] = "Two-factor code required",
        [InvalidTwoFactorCode] = "Invalid two-factor code",
        [ScopeRequired] = "Scope required",
        [ApiAccessProRequired] = "API access requires a paid plan",
        [KeyLimitReached] = "API key limit reached",
        [ApiKeyNotAllowed] = "API key not allowed",
        [NotFound] = "Not found",
        [Conflict] = "Conflict",
        [EmailTaken] = "Email taken",
        [TooManyAttempts] = "Too many attempts",
        [RateLimited] = "Rate limited",
        [PayloadTooLarge] = "Payload too large",
        [UnsupportedMediaType] = "Unsupported media type",
        [StorageUnavailable] = "Storage unavailable",
        [CsrfCheckFailed] = "Cross-site request refused",
        [ReauthenticationRequired] = "Re-authentication required",
    };

    public static string TitleOf(string code) => Titles.TryGetValue(code, out var title) ? title : code;
}

/// <summary>Factories for the problems every feature returns, so one code always has one status.</summary>
public static class Problems
{
    public static Problem Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static Problem Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(400, ErrorCodes.ValidationFailed, "One or more fields are invalid.") { Errors = errors };

    public static Problem MissingToken() =>
        new(401, ErrorCodes.MissingToken, "Send an access token or API key in the Authorization header.");

    public static Problem CredentialsInUrl(string parameter) =>
        new(400, ErrorCodes.CredentialsInUrl, $"Credentials are not accepted in the query string ('{parameter}'); send them in the Authorization header. Treat the credential as leaked.");

    public static Problem InvalidToken(string detail = "The credential is not valid.") =>
        new(401, ErrorCodes.InvalidToken, detail);

    public static Problem TokenRevoked(string detail) => new(401, ErrorCodes.TokenRevoked, detail);

    public static Problem TokenExpired(string detail) => new(401, ErrorCodes.TokenExpired, detail);

    public static Problem InvalidCredentials() =>
        new(401, ErrorCodes.InvalidCredentials, "The email or password is incorrect.");

    public static Problem ApiKeyNotAllowed() =>
        new(403, ErrorCodes.ApiKeyNotAllowed, "This endpoint needs a signed-in session; API keys cannot use it.");

    public static Problem ScopeRequired(string scope) =>
        new(403, ErrorCodes.ScopeRequired, $"This request needs the '{scope}' scope.") { RequiredScope = scope };

    public static Problem NotFound(string what) => new(404, ErrorCodes.NotFound, $"{what} was not found.");

    public static Problem TooManyAttempts(TimeSpan retryAfter) =>
        new(429, ErrorCodes.TooManyAttempts, "Too many failed attempts. Try again later.") { RetryAfter = retryAfter };

    public static Problem PayloadTooLarge(long limitBytes) =>
        new(413, ErrorCodes.PayloadTooLarge, $"The request body is larger than {limitBytes} bytes.");

    public static Problem StorageUnavailable() =>
        new(503, ErrorCodes.StorageUnavailable, "Storage is unavailable. Try again shortly.") { RetryAfter = TimeSpan.FromSeconds(5) };
}

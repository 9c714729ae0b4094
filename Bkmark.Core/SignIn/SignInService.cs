using Bkmark.Core.Accounts;
using Bkmark.Core.Passkeys;
using Bkmark.Core.Passwords;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Sessions;
using Bkmark.Core.Telemetry;
using Bkmark.Core.Throttling;
using Bkmark.Core.TwoFactor;

namespace Bkmark.Core.SignIn;

/// <summary>
/// Every way to get a token pair: a password (plus the second factor when it is on), a passkey, or a
/// refresh token. How the tokens travel (body or cookie) is the HTTP layer's business.
/// </summary>
public sealed class SignInService
{
    private readonly AccountService accounts;
    private readonly TwoFactorService twoFactor;
    private readonly PasskeyService passkeys;
    private readonly SessionService sessions;
    private readonly AttemptThrottle throttle;
    private readonly DeviceTokens devices;
    private readonly SecurityEventLog securityLog;
    private readonly SecurityNotifier notifier;
    private readonly BkmarkMetrics metrics;
    private readonly PasswordPolicy passwordPolicy;

    // One counter per account for every device it has not seen, and one per device it has (§7).
    private readonly ThrottlePolicy unknownDevicePolicy;
    private readonly ThrottlePolicy knownDevicePolicy;

    // Internal because it takes Core's internal stores; registered with AddServiceWithInternalConstructor.
    internal SignInService(
        AccountService accounts,
        TwoFactorService twoFactor,
        PasskeyService passkeys,
        SessionService sessions,
        AttemptThrottle throttle,
        DeviceTokens devices,
        SecurityEventLog securityLog,
        SecurityNotifier notifier,
        BkmarkMetrics metrics,
        PasswordPolicy passwordPolicy,
        IOptions<AccountOptions> options)
    {
        this.passwordPolicy = passwordPolicy;
        this.accounts = accounts;
        this.twoFactor = twoFactor;
        this.passkeys = passkeys;
        this.sessions = sessions;
        this.throttle = throttle;
        this.devices = devices;
        this.securityLog = securityLog;
        this.notifier = notifier;
        this.metrics = metrics;
        this.unknownDevicePolicy = LoginPolicy("login", options.Value);
        this.knownDevicePolicy = LoginPolicy("login-device", options.Value);
    }

    /// <summary>
    /// Email and password, then the second factor. Unknown email and wrong password are one answer with one
    /// cost, and both count towards the same lock-out, so neither tells whether an account exists. A success
    /// returns a device token; one that presented none valid for the account is a new device, and its owner is
    /// emailed (the only sign-in that pays a queue message).
    /// </summary>
    public async Task<Result<TokenResponse>> SignInWithPasswordAsync(PasswordSignIn request, ClientInfo client, CancellationToken cancellationToken) =>
        Metered("password", await PasswordSignInAsync(request, client, cancellationToken));

    private async Task<Result<TokenResponse>> PasswordSignInAsync(PasswordSignIn request, ClientInfo client, CancellationToken cancellationToken)
    {
        var proof = await CheckPasswordAsync(request, client, sessionId: null, cancellationToken);
        if (!proof.Succeeded)
        {
            return proof.Problem.Code == ErrorCodes.TwoFactorRequired
                ? await OfferSecondStepsAsync(request, proof.Problem, cancellationToken)
                : proof.Problem;
        }

        var (userId, email, authMethod) = proof.Value;
        var breached = await passwordPolicy.IsBreachedAsync(request.Password!, cancellationToken);
        return await CompletePasswordSignInAsync(userId, email, authMethod, request.DeviceToken, breached, client, cancellationToken);
    }

    /// <summary>
    /// <c>POST /auth/login/webauthn</c> (DESIGN.md §17): finishes a password sign-in whose second step is a passkey or
    /// security key. The challenge from the <c>TWO_FACTOR_REQUIRED</c> answer is the pending sign-in: made only past the
    /// right password, bound to that user, short-lived and consumed once. Each attempt takes its slot in the user's
    /// two-factor throttle before the assertion is checked (§7), exactly as a TOTP code does.
    /// </summary>
    public async Task<Result<TokenResponse>> SignInWithSecurityKeyAsync(
        string? challengeId, JsonElement? credential, string? deviceToken, ClientInfo client, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Require("challengeId", challengeId, "The challengeId from the TWO_FACTOR_REQUIRED answer of POST /auth/login is required.");
        if (credential is not { ValueKind: JsonValueKind.Object })
        {
            errors.Add("credential", "The credential must be the PublicKeyCredential from navigator.credentials.get, as JSON.");
        }

        if (errors.Problem is { } invalid)
        {
            return invalid;
        }

        var userId = await passkeys.PendingSecondFactorUserAsync(challengeId, cancellationToken);
        if (userId is null)
        {
            return PasskeyService.PendingSignInGone();
        }

        var context = await twoFactor.CheckSecurityKeyAsync(
            userId, () => passkeys.VerifySecondFactorAsync(challengeId, credential, userId, cancellationToken), cancellationToken);
        if (!context.Succeeded)
        {
            return await RefuseAsync(userId, context.Problem, client, cancellationToken);
        }

        var user = await accounts.FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return Problems.TokenRevoked("This account no longer exists.");
        }

        // An operator may have locked the account since its password was checked.
        if (AccountService.RefuseSignIn(user) is { } locked)
        {
            return locked;
        }

        return await CompletePasswordSignInAsync(
            user.Id, user.Email, AuthMethods.PasswordAndWebAuthn, deviceToken, context.Value == BreachedPasswordContext, client, cancellationToken);
    }

    /// <summary>
    /// The <c>TWO_FACTOR_REQUIRED</c> answer to a right password: which second steps the account has, and for a passkey
    /// or security key the pending sign-in's challenge. Only past a correct password, so it reveals nothing to a guesser.
    /// </summary>
    private async Task<Problem> OfferSecondStepsAsync(PasswordSignIn request, Problem required, CancellationToken cancellationToken)
    {
        var user = await accounts.FindForSignInAsync(EmailAddress.Canonical(request.Email)!, cancellationToken);
        if (user is null)
        {
            return required;
        }

        // The finished sign-in has no password left to look up: the password step notes the answer for it.
        var breached = await passwordPolicy.IsBreachedAsync(request.Password!, cancellationToken);
        var securityKey = await passkeys.BeginSecondFactorAsync(user.Id, breached ? BreachedPasswordContext : null, cancellationToken);
        if (securityKey is null)
        {
            return required with { Extensions = new Dictionary<string, object?> { ["methods"] = new[] { SecondSteps.Totp } } };
        }

        return required with
        {
            Detail = required.Detail + " Or finish with a passkey or security key: POST /api/v1/auth/login/webauthn with webauthn.challengeId and the assertion to webauthn.options.",
            Extensions = new Dictionary<string, object?>
            {
                ["methods"] = new[] { SecondSteps.Totp, SecondSteps.WebAuthn },
                ["webauthn"] = securityKey,
            },
        };
    }

    /// <summary>
    /// A password sign-in that passed every step: the session, the device token, and a notice when the device is new.
    /// A success that presented no device token valid for the account is a new device, and its owner is emailed.
    /// </summary>
    private async Task<TokenResponse> CompletePasswordSignInAsync(
        string userId, string email, string authMethod, string? deviceToken, bool passwordBreached, ClientInfo client, CancellationToken cancellationToken)
    {
        var tokens = await sessions.SignInAsync(userId, authMethod, client, cancellationToken);
        if (devices.DeviceOf(deviceToken, userId) is null)
        {
            var signIn = new SecurityEvent(userId, SecurityEventTypes.SignInSucceeded, client, tokens.SessionId);
            await notifier.SendAsync(email, SecurityNotices.NewDeviceSignIn, signIn, cancellationToken);
        }

        return tokens with { DeviceToken = devices.Issue(userId), PasswordBreached = passwordBreached ? true : null };
    }

    /// <summary>
    /// Sign-in's check of email, password and second factor, throttles included: the attempt takes its slot
    /// before the password is checked (§7). Refusals (folded) and a spent backup code go to the security log.
    /// Re-authentication proves a session's person with it (passing the session's id for the log), so a
    /// stolen access token earns no extra guesses.
    /// </summary>
    /// <returns>Who proved it, and the session's auth method.</returns>
    public async Task<Result<PasswordProof>> CheckPasswordAsync(
        PasswordSignIn request, ClientInfo client, string? sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Require("email", request.Email?.Trim(), "The email is required.");
        errors.Require("password", request.Password, "The password is required.");
        if (errors.Problem is { } invalid)
        {
            return invalid;
        }

        var normalizedEmail = EmailAddress.Canonical(request.Email)!;
        var user = await accounts.FindForSignInAsync(normalizedEmail, cancellationToken);
        if (await ClaimAndVerifyAsync(user, normalizedEmail, request.Password!, request.DeviceToken, client, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        // Past a correct password only, like the second factor: a guesser learns nothing from the lock.
        if (AccountService.RefuseSignIn(user!) is { } locked)
        {
            return locked;
        }

        // Only past a correct password may an answer reveal that the account has a second factor.
        var authMethod = await twoFactor.CheckSignInAsync(user!.Id, request.TwoFactorCode, cancellationToken);
        if (!authMethod.Succeeded)
        {
            return await RefuseAsync(user.Id, authMethod.Problem, client, cancellationToken);
        }

        if (BackupCodes.WasUsed(authMethod.Value, request.TwoFactorCode))
        {
            await securityLog.RecordAsync(new SecurityEvent(user.Id, SecurityEventTypes.BackupCodeUsed, client, sessionId), cancellationToken);
        }

        return new PasswordProof(user.Id, user.Email, authMethod.Value);
    }

    /// <summary>
    /// Confirms a signed-in person's password before an account change (a new password or email, deleting the
    /// account). Sign-in's own throttle counts these guesses (the account's unknown-devices counter), so a stolen
    /// access token earns no extra guesses; no second factor, since the session already proved it.
    /// </summary>
    internal async Task<Result<Account>> ConfirmPasswordAsync(string userId, string? password, ClientInfo client, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Problems.Validation("password", "The password is required.");
        }

        var user = await accounts.FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return Problems.TokenRevoked("This account no longer exists.");
        }

        return await ClaimAndVerifyAsync(user, user.Email, password, deviceToken: null, client, cancellationToken) is { } refusal ? refusal : user;
    }

    /// <summary>The attempt takes its slot, then the password is checked (§7); null when it is right.</summary>
    private async Task<Problem?> ClaimAndVerifyAsync(
        Account? user, string normalizedEmail, string password, string? deviceToken, ClientInfo client, CancellationToken cancellationToken)
    {
        // An email nobody has logs into a partition nobody lists: the same cost as a known one.
        var logPartition = user?.Id ?? SecurityEventLog.UnknownAccountPartition(normalizedEmail);
        var (policy, subject) = user is not null && devices.DeviceOf(deviceToken, user.Id) is { } device
            ? (knownDevicePolicy, device)
            : (unknownDevicePolicy, SubjectOf(normalizedEmail));
        var verified = await throttle.GuessAsync(
            policy,
            subject,
            async () => await accounts.VerifyPasswordAsync(user, password, cancellationToken) ? true : (Result<bool>)Problems.InvalidCredentials(),
            judge: null,
            cancellationToken);
        return verified.Succeeded ? null : await RefuseAsync(logPartition, verified.Problem, client, cancellationToken);
    }

    /// <summary>A passkey assertion against a challenge from <see cref="PasskeyService.BeginSignInAsync"/>.</summary>
    public async Task<Result<TokenResponse>> SignInWithPasskeyAsync(
        string? challengeId, JsonElement? credential, ClientInfo client, CancellationToken cancellationToken)
    {
        var userId = await passkeys.SignInAsync(challengeId, credential, cancellationToken);
        if (!userId.Succeeded)
        {
            return Metered<TokenResponse>("passkey", userId.Problem);
        }

        if (await accounts.RefuseSignInAsync(userId.Value, cancellationToken) is { } refused)
        {
            return refused;
        }

        // No TOTP step: a verified passkey is possession plus user verification, two factors already.
        return Metered<TokenResponse>("passkey", await sessions.SignInAsync(userId.Value, AuthMethods.Passkey, client, cancellationToken));
    }

    /// <summary>Rotates a refresh token (see <see cref="SessionService.RefreshAsync"/>).</summary>
    public async Task<Result<TokenResponse>> RefreshAsync(string? refreshToken, CancellationToken cancellationToken) =>
        Metered("refresh", await sessions.RefreshAsync(refreshToken, cancellationToken));

    /// <summary>Counts a sign-in by method and outcome: <c>succeeded</c>, or the refusal's error code (a fixed set, never input).</summary>
    private Result<T> Metered<T>(string method, Result<T> result)
    {
        metrics.SignIn(method, result.Succeeded ? "succeeded" : result.Problem!.Code.ToLowerInvariant());
        return result;
    }

    private async Task<Problem> RefuseAsync(string logPartition, Problem refusal, ClientInfo client, CancellationToken cancellationToken)
    {
        await securityLog.RecordRefusalAsync(logPartition, refusal, client, cancellationToken);
        return refusal;
    }

    // What a pending second step carries from the password step: the password it proved is a breached one.
    private const string BreachedPasswordContext = "password-breached";

    private static ThrottlePolicy LoginPolicy(string kind, AccountOptions options) =>
        new(kind, options.LoginMaxFailures, options.LoginLockout, options.LoginLockout);

    // The email's hash, so the throttle table holds no addresses.
    private static string SubjectOf(string normalizedEmail) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));
}

/// <summary>A password sign-in as the client sent it; <see cref="DeviceToken"/> from the body or the <c>bk_device</c> cookie.</summary>
public sealed record PasswordSignIn(string? Email, string? Password, string? TwoFactorCode, string? DeviceToken);

/// <summary>The second steps a <c>TWO_FACTOR_REQUIRED</c> answer lists in <c>methods</c>.</summary>
public static class SecondSteps
{
    /// <summary>A code from the authenticator app (or a backup code) as <c>twoFactorCode</c>, with the password again.</summary>
    public const string Totp = "totp";

    /// <summary>A passkey or security key, through <c>POST /auth/login/webauthn</c>.</summary>
    public const string WebAuthn = "webauthn";
}

/// <summary>A passed password (and second-factor) check: whose, and the session's auth method.</summary>
public sealed record PasswordProof(string UserId, string Email, string AuthMethod);

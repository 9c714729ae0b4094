using Bkmark.Core.Accounts;
using Bkmark.Core.Passkeys;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Sessions;

namespace Bkmark.Core.SignIn;

/// <summary>
/// <c>POST /auth/reauthenticate</c> (RFC 9470 step-up): the signed-in person proves who they are again,
/// with the password (and second factor) or a passkey, and the same session gets tokens with a fresh
/// <c>auth_time</c>. The checks are sign-in's own, throttle included: a stolen access token earns no
/// extra guesses.
/// </summary>
public sealed class ReauthenticationService(
    AccountService accounts, SignInService signIn, PasskeyService passkeys, SessionService sessions, SecurityEventLog securityLog)
{
    /// <summary>
    /// With the password (and second factor, which a backup code proves too), throttled by the §7 device-token rule:
    /// <paramref name="deviceToken"/> (the body's or the <c>bk_device</c> cookie) picks the device's own counter.
    /// </summary>
    public async Task<Result<TokenResponse>> WithPasswordAsync(
        Caller caller, string? password, string? twoFactorCode, string? deviceToken, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var user = await accounts.FindAsync(caller.UserId, cancellationToken);
        if (user is null)
        {
            return Problems.TokenRevoked("This account no longer exists.");
        }

        // Sign-in's own check of the account's email: its throttle counts these guesses with the sign-in form's, on the
        // presented device's counter or else the account's unknown-devices one (DESIGN.md §7, §14).
        var proof = await signIn.CheckPasswordAsync(
            new PasswordSignIn(user.Email, password, twoFactorCode, deviceToken), client, caller.SessionId, cancellationToken);
        // A backup code spent here is recorded as the proof's method: it opens the lost-authenticator path (DESIGN §14).
        return proof.Succeeded ? await CompleteAsync(caller, proof.Value.ProofMethod, client, cancellationToken) : proof.Problem;
    }

    /// <summary>With a passkey assertion to the options of <c>POST /auth/passkeys/options</c>; the passkey must be this user's.</summary>
    public async Task<Result<TokenResponse>> WithPasskeyAsync(
        Caller caller, string? challengeId, JsonElement? credential, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var owner = await passkeys.SignInAsync(challengeId, credential, cancellationToken);
        // Someone else's passkey proves nothing about this session's person: the same answer as a forged one.
        if (!owner.Succeeded || owner.Value != caller.UserId)
        {
            var refusal = owner.Succeeded ? new Problem(ErrorCodes.InvalidCredentials, "The passkey could not be verified.") : owner.Problem;
            await securityLog.RecordRefusalAsync(caller.UserId, refusal, client, cancellationToken);
            return refusal;
        }

        return await CompleteAsync(caller, AuthMethods.Passkey, client, cancellationToken);
    }

    private async Task<Result<TokenResponse>> CompleteAsync(Caller caller, string authMethod, ClientInfo client, CancellationToken cancellationToken)
    {
        var tokens = await sessions.ReauthenticateAsync(caller.UserId, caller.SessionId!, authMethod, cancellationToken);
        if (tokens.Succeeded)
        {
            await securityLog.RecordAsync(
                new SecurityEvent(caller.UserId, SecurityEventTypes.Reauthenticated, client, caller.SessionId, new Dictionary<string, string> { ["method"] = authMethod }),
                cancellationToken);
        }

        return tokens;
    }
}

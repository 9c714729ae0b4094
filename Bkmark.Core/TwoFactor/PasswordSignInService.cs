using Bkmark.Core.Accounts;
using Bkmark.Core.Errors;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Sessions;

namespace Bkmark.Core.TwoFactor;

/// <summary>Sign-in with email and password, plus the second factor when the user has turned it on.</summary>
public sealed class PasswordSignInService(
    AccountService accounts, UserStore users, TwoFactorService twoFactor, SessionService sessions, SecurityEventLog securityLog)
{
    public async Task<Result<TokenResponse>> SignInAsync(
        string? email, string? password, string? twoFactorCode, ClientInfo client, CancellationToken cancellationToken)
    {
        var proof = await CheckAsync(email, password, twoFactorCode, client, sessionId: null, cancellationToken);
        return proof.Succeeded
            ? await sessions.SignInAsync(proof.Value.UserId, proof.Value.AuthMethod, client, cancellationToken)
            : proof.Problem;
    }

    /// <summary>
    /// Checks email, password and second factor as sign-in does, throttles included, and records the outcome in
    /// the security log: a refusal (folded), a spent backup code. Re-authentication proves a session's person with it.
    /// </summary>
    /// <returns>Who proved it, and which auth method that was.</returns>
    public async Task<Result<PasswordProof>> CheckAsync(
        string? email, string? password, string? twoFactorCode, ClientInfo client, string? sessionId, CancellationToken cancellationToken)
    {
        var user = await accounts.CheckPasswordAsync(email, password, cancellationToken);
        if (!user.Succeeded)
        {
            await RecordRefusalAsync(email, user.Problem, client, cancellationToken);
            return user.Problem;
        }

        // Only past a correct password may an answer reveal that the account has a second factor.
        var authMethod = await twoFactor.CheckSignInAsync(user.Value.Id, twoFactorCode, cancellationToken);
        if (!authMethod.Succeeded)
        {
            await securityLog.RecordRefusalAsync(user.Value.Id, authMethod.Problem, client, cancellationToken);
            return authMethod.Problem;
        }

        if (BackupCodes.WasUsed(authMethod.Value, twoFactorCode))
        {
            await securityLog.RecordAsync(new SecurityEvent(user.Value.Id, SecurityEventTypes.BackupCodeUsed, client, sessionId), cancellationToken);
        }

        return new PasswordProof(user.Value.Id, authMethod.Value);
    }

    /// <summary>The account the email names hears of the refusal; an unknown email costs the same, into a partition nobody lists.</summary>
    private async Task RecordRefusalAsync(string? email, Problem refusal, ClientInfo client, CancellationToken cancellationToken)
    {
        if (AccountService.NormalizeEmail(email) is not { } normalized)
        {
            return;
        }

        var user = await users.FindByEmailAsync(normalized, cancellationToken);
        await securityLog.RecordRefusalAsync(user?.Id ?? SecurityEventLog.UnknownAccountPartition(normalized), refusal, client, cancellationToken);
    }
}

/// <summary>A passed password (and second-factor) check: whose, and the session's auth method.</summary>
public sealed record PasswordProof(string UserId, string AuthMethod);

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

        var tokens = await sessions.SignInAsync(user.Value.Id, authMethod.Value, client, cancellationToken);
        if (BackupCodes.WasUsed(authMethod.Value, twoFactorCode))
        {
            await securityLog.RecordAsync(new SecurityEvent(user.Value.Id, SecurityEventTypes.BackupCodeUsed, client, tokens.SessionId), cancellationToken);
        }

        return tokens;
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

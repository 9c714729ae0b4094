using Bkmark.Core.Accounts;
using Bkmark.Core.Errors;
using Bkmark.Core.Sessions;

namespace Bkmark.Core.TwoFactor;

/// <summary>Sign-in with email and password, plus the second factor when the user has turned it on.</summary>
public sealed class PasswordSignInService(AccountService accounts, TwoFactorService twoFactor, SessionService sessions)
{
    public async Task<Result<TokenResponse>> SignInAsync(
        string? email, string? password, string? twoFactorCode, ClientInfo client, CancellationToken cancellationToken)
    {
        var user = await accounts.CheckPasswordAsync(email, password, cancellationToken);
        if (!user.Succeeded)
        {
            return user.Problem;
        }

        // Only past a correct password may an answer reveal that the account has a second factor.
        var authMethod = await twoFactor.CheckSignInAsync(user.Value.Id, twoFactorCode, cancellationToken);
        if (!authMethod.Succeeded)
        {
            return authMethod.Problem;
        }

        return await sessions.SignInAsync(user.Value.Id, authMethod.Value, client, cancellationToken);
    }
}

namespace Bkmark.Core.Accounts;

/// <summary>
/// A room that holds ways into an account besides its password (passkeys, social links): how many of them a user has,
/// for <see cref="SignInMethods"/>. Defined here and implemented by those rooms' stores, so Accounts depends on none of them.
/// </summary>
internal interface ISignInMethodHolder
{
    Task<int> CountSignInMethodsAsync(string userId, CancellationToken cancellationToken);
}

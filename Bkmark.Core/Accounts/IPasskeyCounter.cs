namespace Bkmark.Core.Accounts;

/// <summary>
/// How many passkeys a user has, for the profile. Defined here and implemented by the passkeys capability,
/// so Accounts does not depend on Passkeys (Passkeys depends on Accounts for the user it registers a key to).
/// </summary>
internal interface IPasskeyCounter
{
    Task<int> CountAsync(string userId, CancellationToken cancellationToken);
}

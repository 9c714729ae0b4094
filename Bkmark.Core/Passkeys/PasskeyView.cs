namespace Bkmark.Core.Passkeys;

/// <summary>
/// A registered passkey as the <c>/me/passkeys</c> routes show it; <c>Purpose</c> is one of <see cref="PasskeyPurposes"/>:
/// a passkey, or a security key for the second step only.
/// </summary>
public sealed record PasskeyView(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool BackedUp, string Purpose)
{
    internal static PasskeyView From(PasskeyEntity passkey) =>
        new(passkey.Id, passkey.Name, passkey.CreatedAt, passkey.LastUsedAt, passkey.BackedUp, passkey.Purpose ?? PasskeyPurposes.Passkey);
}

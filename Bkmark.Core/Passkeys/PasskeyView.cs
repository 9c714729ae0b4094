namespace Bkmark.Core.Passkeys;

/// <summary>A registered passkey as the <c>/me/passkeys</c> routes show it.</summary>
public sealed record PasskeyView(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool BackedUp)
{
    internal static PasskeyView From(PasskeyEntity passkey) =>
        new(passkey.Id, passkey.Name, passkey.CreatedAt, passkey.LastUsedAt, passkey.BackedUp);
}

using System.Net.Mail;

namespace Bkmark.Core.Accounts;

/// <summary>
/// The one rule for email addresses, registration's, used by every route that takes one (registration, sign-in,
/// reset requests, change of email, invitations, social sign-in, operator look-ups): trimmed and lower-cased, and,
/// where an address is accepted, one that registration would accept. So no route stores, invites or mails an
/// address that another would refuse.
/// </summary>
public static class EmailAddress
{
    public const int MaxLength = 254;

    /// <summary>The address as accounts are stored and found: trimmed and lower-cased; null when absent.</summary>
    public static string? Canonical(string? email) => email?.Trim().ToLowerInvariant();

    /// <summary>The <see cref="Canonical"/> form of an address registration accepts; null when it is not one.</summary>
    public static string? Normalize(string? email)
    {
        var canonical = Canonical(email);
        if (string.IsNullOrEmpty(canonical) || canonical.Length > MaxLength || canonical.Any(char.IsWhiteSpace) || canonical.Any(char.IsControl))
        {
            return null;
        }

        return MailAddress.TryCreate(canonical, out var address) && address.Address == canonical && address.Host.Contains('.')
            ? canonical
            : null;
    }

    /// <summary>What a route answers for an address <see cref="Normalize"/> refuses: the same words everywhere.</summary>
    public const string Invalid = "Enter a valid email address.";
}

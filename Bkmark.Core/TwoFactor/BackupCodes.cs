namespace Bkmark.Core.TwoFactor;

/// <summary>
/// The format of backup codes: 10 characters from an alphabet without look-alikes (no 0/o, 1/i/l),
/// shown as <c>xxxxx-xxxxx</c>; typed back with or without the dash, in any case.
/// </summary>
public static class BackupCodes
{
    public const int Count = 8;
    public const int Length = 10;

    /// <summary>31 symbols, so a code carries 10 × log2(31) ≈ 49.5 bits.</summary>
    internal const string Alphabet = "23456789abcdefghjkmnpqrstuvwxyz";

    private const int GroupLength = Length / 2;

    /// <summary>Whether a second step that passed with <paramref name="code"/> spent a backup code (a TOTP code is six digits).</summary>
    public static bool WasUsed(string authMethod, string? code) =>
        authMethod == AuthMethods.PasswordAndTotp && code is not null && !TotpCalculator.Default.IsWellFormed(code);

    /// <summary>A fresh set of codes, formatted for display.</summary>
    public static string[] Generate()
    {
        var codes = new string[Count];
        for (var i = 0; i < Count; i++)
        {
            // GetItems draws each symbol uniformly from the CSPRNG (no modulo bias).
            var symbols = RandomNumberGenerator.GetItems<char>(Alphabet, Length);
            codes[i] = string.Concat(symbols.AsSpan(0, GroupLength), "-", symbols.AsSpan(GroupLength));
        }

        return codes;
    }

    /// <summary>
    /// The canonical form that is hashed (lower-case, no dash), or null when <paramref name="input"/>
    /// cannot be a backup code. Accepts <c>abcde-fghjk</c>, <c>ABCDEFGHJK</c> and the like.
    /// </summary>
    public static string? Normalize(string? input)
    {
        if (input is null)
        {
            return null;
        }

        var compact = input.Length == Length + 1 && input[GroupLength] == '-'
            ? string.Concat(input.AsSpan(0, GroupLength), input.AsSpan(GroupLength + 1))
            : input;
        // ASCII only before lower-casing: the invariant culture maps e.g. the Kelvin sign to 'k'.
        if (compact.Length != Length || !compact.All(char.IsAsciiLetterOrDigit))
        {
            return null;
        }

        var normalized = compact.ToLowerInvariant();
        return normalized.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) ? normalized : null;
    }
}

namespace Bkmark.Core.Passkeys;

/// <summary>WebAuthn's signature-counter rule (Level 3, §7.2 step 22).</summary>
public static class SignatureCounter
{
    /// <summary>
    /// True when <paramref name="presented"/> may follow <paramref name="stored"/>: it must be greater
    /// whenever either is non-zero. Authenticators that keep no counter report 0 every time (0 after 0
    /// is fine); anything else that does not go up suggests a cloned authenticator or a replay.
    /// </summary>
    public static bool Advances(long stored, long presented) =>
        (stored == 0 && presented == 0) || presented > stored;
}

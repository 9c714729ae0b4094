namespace Bkmark.Core.Shared;

/// <summary>How a session was signed in, as <c>authMethod</c> shows it, and its RFC 8176 <c>amr</c> values.</summary>
public static class AuthMethods
{
    public const string Password = "password";
    public const string PasswordAndTotp = "password+totp";

    /// <summary>A password, then a passkey or security key as the second step (DESIGN.md §17).</summary>
    public const string PasswordAndWebAuthn = "password+webauthn";
    public const string Passkey = "passkey";
    public const string Social = "social";
    public const string SocialAndTotp = "social+totp";

    public static IReadOnlyList<string> AmrOf(string authMethod) => authMethod switch
    {
        Password => ["pwd"],
        PasswordAndTotp => ["pwd", "otp", "mfa"],
        PasswordAndWebAuthn => ["pwd", "hwk", "mfa"],
        // A verified passkey is possession of a hardware-bound key plus user verification.
        Passkey => ["hwk", "user", "mfa"],
        // "fed": a federated identity assertion (as Microsoft Entra ID writes it; RFC 8176 has no value for it).
        Social => ["fed"],
        SocialAndTotp => ["fed", "otp", "mfa"],
        _ => throw new ArgumentOutOfRangeException(nameof(authMethod), authMethod, "Unknown auth method."),
    };
}

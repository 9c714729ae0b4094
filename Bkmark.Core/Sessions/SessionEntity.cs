namespace Bkmark.Core.Sessions;

/// <summary>
/// A signed-in device. PartitionKey = user id, RowKey = session id: listing a user's sessions and
/// "revoke all others" touch one partition; an access token's <c>sid</c> is checked by one point read.
/// </summary>
internal sealed class SessionEntity : StoredEntity
{
    public string UserId => PartitionKey;
    public string Id => RowKey;
    public string? UserAgent { get; set; }
    public string? IpAddress { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastActiveAt { get; set; }

    /// <summary>
    /// The last time the person proved who they are in this session (sign-in or re-authentication): what
    /// step-up checks. Sessions started before it was recorded have none; for them it is <see cref="CreatedAt"/>.
    /// </summary>
    public DateTimeOffset? AuthenticatedAt { get; set; }

    public DateTimeOffset LastProofAt => AuthenticatedAt ?? CreatedAt;

    /// <summary>One of <see cref="AuthMethods"/>.</summary>
    public string AuthMethod { get; set; } = AuthMethods.Password;

    /// <summary>The sign-in can never be refreshed past this.</summary>
    public DateTimeOffset AbsoluteExpiresAt { get; set; }

    /// <summary>When the newest refresh token expires; the sweep removes the session after this.</summary>
    public DateTimeOffset RefreshExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Keys of the newest refresh credential, so revoking or sweeping the session can remove it.</summary>
    public string? CurrentRefreshPartition { get; set; }

    public string? CurrentRefreshRow { get; set; }

    /// <summary>
    /// When the sweep may delete it: once it can no longer be refreshed. A revoked one stays until its
    /// newest refresh token has expired, so presenting a token of it answers TOKEN_REVOKED until then.
    /// </summary>
    public DateTimeOffset DeletableAt() =>
        RevokedAt is not null || RefreshExpiresAt < AbsoluteExpiresAt ? RefreshExpiresAt : AbsoluteExpiresAt;

    /// <summary>Whether <paramref name="token"/> is the refresh token this session was last handed out with.</summary>
    public bool IsCurrent(RefreshTokenEntity token) =>
        CurrentRefreshPartition == token.PartitionKey && CurrentRefreshRow == token.RowKey;

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && now < AbsoluteExpiresAt && now < RefreshExpiresAt;
}

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

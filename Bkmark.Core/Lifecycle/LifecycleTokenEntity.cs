using System.Runtime.Serialization;

namespace Bkmark.Core.Lifecycle;

/// <summary>A lifecycle link's token (<see cref="SingleUseToken"/>), with the addresses its purpose acts on.</summary>
internal sealed class LifecycleTokenEntity : SingleUseToken
{
    /// <summary>What the link may do: the <see cref="LinkPurpose.Name"/> of one of <see cref="LinkPurpose"/>'s.</summary>
    public override string Purpose { get; set; } = "";

    /// <summary>Whose account; empty for a reset asked for an address nobody has (it can never be used).</summary>
    public string UserId { get; set; } = "";

    [IgnoreDataMember]
    public override string HolderId => UserId;

    /// <summary>The address the link was sent to: the one it verifies, or the one a change moves to.</summary>
    public string Email { get; set; } = "";

    /// <summary>For a change of email: the account's address when the change was asked for.</summary>
    public string? PreviousEmail { get; set; }

    /// <summary>
    /// The account's security stamp when the link was sent: what it changes is written only while the account still has
    /// it, so a link a recovery voided after it was looked up changes nothing (DESIGN.md §14).
    /// </summary>
    public string SecurityStamp { get; set; } = "";

    public override DateTimeOffset? UsedAt { get; set; }
}

/// <summary>
/// What a lifecycle link may do, the email that carries it, the page action that follows it and how long it works.
/// A token of one purpose is refused for the others.
/// </summary>
internal sealed record LinkPurpose(string Name, string Template, string PageAction, Func<LifecycleOptions, TimeSpan> Lifetime)
{
    public static readonly LinkPurpose VerifyEmail =
        new("verify-email", LifecycleEmails.VerifyEmail, "verify-email", options => options.EmailVerificationLifetime);

    public static readonly LinkPurpose ResetPassword =
        new("reset-password", LifecycleEmails.PasswordResetLink, "reset-password", options => options.PasswordResetLifetime);

    public static readonly LinkPurpose ChangeEmail =
        new("change-email", LifecycleEmails.ConfirmEmailChange, "confirm-email-change", options => options.EmailChangeLifetime);

    public static readonly IReadOnlyList<LinkPurpose> All = [VerifyEmail, ResetPassword, ChangeEmail];
}

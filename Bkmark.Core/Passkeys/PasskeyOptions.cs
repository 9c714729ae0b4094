using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Passkeys;

/// <summary>
/// The WebAuthn relying party. Settings: <c>Passkeys__RelyingPartyId</c>, <c>Passkeys__RelyingPartyName</c>,
/// <c>Passkeys__Origins__0</c>, <c>Passkeys__Origins__1</c>… (when none is set: <see cref="DefaultOrigin"/>).
/// </summary>
public sealed class PasskeyOptions
{
    public const string Section = "Passkeys";

    /// <summary>What <c>./run.sh</c> serves; browsers only allow WebAuthn on <c>localhost</c> or HTTPS.</summary>
    public const string DefaultOrigin = "http://localhost:7071";

    /// <summary>The domain passkeys are bound to: the origins' host or a registrable suffix of it.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$", ErrorMessage = "RelyingPartyId must be a lower-case host name.")]
    public string RelyingPartyId { get; set; } = "localhost";

    [Required]
    [StringLength(100, MinimumLength = 1)]
    public string RelyingPartyName { get; set; } = "Bkmark";

    /// <summary>
    /// The exact origins (scheme, host, port) the browser may report in clientDataJSON. Left empty here
    /// because the configuration binder appends to a list's initial items instead of replacing them;
    /// <see cref="PasskeysServiceCollectionExtensions"/> puts <see cref="DefaultOrigin"/> in when none is configured.
    /// </summary>
    public List<string> Origins { get; set; } = [];

    /// <summary>How long a ceremony's challenge can be answered (WebAuthn's <c>timeout</c> too).</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:10:00")]
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(5);
}

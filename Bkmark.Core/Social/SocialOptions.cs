using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Social;

/// <summary>
/// Social sign-in (section <c>Social</c>): the OpenID Connect providers, each under
/// <c>Social__Providers__{name}__…</c>. A provider's client secret is not here: it comes from the secret store
/// as <c>social-{name}-client-secret</c> (Key Vault, or <c>Secrets__social-{name}-client-secret</c>).
/// </summary>
public sealed class SocialOptions
{
    public const string Section = "Social";

    /// <summary>By name (lower-case letters, digits and dashes: it is part of routes and of a secret's name).</summary>
    public Dictionary<string, SocialProviderOptions> Providers { get; init; } = new(StringComparer.Ordinal);

    /// <summary>How long a started sign-in or link (its <c>state</c>) may take at the provider.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan FlowLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the page has, after the provider's callback, to finish the sign-in (and give a 2FA code).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "00:30:00")]
    public TimeSpan PendingSignInLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far the ID token's clock may be from ours (exp, iat, nbf).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan IdTokenClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>One OpenID Connect provider Bkmark is registered with.</summary>
public sealed class SocialProviderOptions
{
    /// <summary>The issuer; its discovery document is at <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    [Required]
    public string Authority { get; set; } = "";

    [Required]
    public string ClientId { get; set; } = "";

    /// <summary>The button's text ("Sign in with {DisplayName}"); the name when empty.</summary>
    public string? DisplayName { get; set; }

    [Required]
    public string Scopes { get; set; } = "openid email profile";
}

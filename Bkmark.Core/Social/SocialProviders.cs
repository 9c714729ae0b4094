using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Bkmark.Core.Secrets;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Bkmark.Core.Social;

/// <summary>
/// The configured providers, each with its discovery document and JWKS (fetched and cached by
/// <see cref="ConfigurationManager{T}"/>, refreshed when a token names a key it does not know) and its client
/// secret from the secret store. One <see cref="HttpClient"/> serves discovery, JWKS and token requests.
/// </summary>
public sealed partial class SocialProviders : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly FrozenDictionary<string, SocialProvider> providers;
    private readonly ISecretProvider secrets;

    public SocialProviders(IOptions<SocialOptions> options, ISecretProvider secrets)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.secrets = secrets;
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
        {
            Timeout = RequestTimeout,
        };
        this.providers = options.Value.Providers.ToFrozenDictionary(
            p => p.Key,
            p => new SocialProvider(p.Key, p.Value, Discovery(p.Value.Authority)),
            StringComparer.Ordinal);
    }

    internal HttpClient Http { get; }

    /// <summary>Every provider, in name order, for the sign-in buttons.</summary>
    public IReadOnlyList<SocialProviderView> List() =>
        [.. providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new SocialProviderView(p.Name, p.DisplayName))];

    internal SocialProvider? Find(string? name) => name is not null && providers.TryGetValue(name, out var provider) ? provider : null;

    /// <summary>The provider's client secret; null when the secret store has none (a public client).</summary>
    internal Task<string?> ClientSecretAsync(SocialProvider provider, CancellationToken cancellationToken) =>
        secrets.GetSecretAsync(ClientSecretName(provider.Name), cancellationToken);

    public static string ClientSecretName(string providerName) => $"social-{providerName}-client-secret";

    /// <summary>Names become part of routes and secret names: lower-case letters, digits, dashes.</summary>
    public static bool IsValidName(string name) => ProviderName().IsMatch(name);

    public void Dispose() => Http.Dispose();

    private ConfigurationManager<OpenIdConnectConfiguration> Discovery(string authority)
    {
        var issuer = new Uri(authority.TrimEnd('/') + "/", UriKind.Absolute);
        var retriever = new HttpDocumentRetriever(Http) { RequireHttps = !IsLoopbackHttp(issuer) };
        return new ConfigurationManager<OpenIdConnectConfiguration>(
            new Uri(issuer, ".well-known/openid-configuration").AbsoluteUri, new OpenIdConnectConfigurationRetriever(), retriever);
    }

    // Plain HTTP only for a provider on this machine (the Local IdP); anything reachable over a network needs TLS.
    internal static bool IsLoopbackHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex ProviderName();
}

/// <summary>A provider as the sign-in buttons show it.</summary>
public sealed record SocialProviderView(string Name, string DisplayName);

/// <summary>One configured provider and its discovery document.</summary>
internal sealed record SocialProvider(string Name, SocialProviderOptions Options, IConfigurationManager<OpenIdConnectConfiguration> Configuration)
{
    public string DisplayName => string.IsNullOrWhiteSpace(Options.DisplayName) ? Name : Options.DisplayName;
}

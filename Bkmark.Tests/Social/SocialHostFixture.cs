namespace Bkmark.Tests.Social;

/// <summary>
/// The local host with the Local IdP configured as provider <c>local</c>. test.sh starts a private Local IdP
/// (scripts/local-idp.mjs, a real oidc-provider) on a free port and passes its address in
/// <see cref="EnvironmentVariable"/>; without it, run.sh's on http://127.0.0.1:7300.
/// </summary>
public sealed class SocialHostFixture() : LocalHostFixture(new Dictionary<string, string?>
{
    ["Social:Providers:local:Authority"] = Authority,
    ["Social:Providers:local:ClientId"] = ClientId,
    ["Social:Providers:local:DisplayName"] = DisplayName,
    ["Secrets:social-local-client-secret"] = ClientSecret,
})
{
    public const string EnvironmentVariable = "BKMARK_TEST_IDP";
    public const string Provider = "local";
    public const string DisplayName = "Local IdP";

    // The client scripts/local-idp.mjs registers for Bkmark (its development defaults).
    public const string ClientId = "bkmark-local";
    public const string ClientSecret = "local-idp-dev-secret";

    public static string Authority =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured ? configured : "http://127.0.0.1:7300";

    /// <summary>A browser of its own (cookies kept, redirects followed by hand) on this host and the Local IdP.</summary>
    public SocialBrowser NewBrowser() => new(Client.BaseAddress!);
}

using Bkmark.Core.Accounts;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Social;

public static class SocialServiceCollectionExtensions
{
    /// <summary>Social sign-in: options (section <c>Social</c>), the providers, the stores and <see cref="SocialSignInService"/>.</summary>
    public static IServiceCollection AddSocialSignIn(this IServiceCollection services)
    {
        services.AddOptions<SocialOptions>()
            .BindConfiguration(SocialOptions.Section)
            .Validate(options => options.Providers.Keys.All(SocialProviders.IsValidName),
                "Social:Providers names must be 1-32 lower-case letters, digits or dashes (they are part of routes and secret names).")
            .Validate(options => options.Providers.Values.All(p => IsAuthority(p.Authority) && p.ClientId.Length > 0),
                "Each Social:Providers:{name} needs a ClientId and an Authority that is an https URL (http only on loopback, for the Local IdP).")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<SocialProviders>();
        services.AddSingleton<SocialFlowStore>();
        services.AddSingleton<SocialAccountStore>();
        services.AddSingleton<SocialAccountRemoval>();
        services.AddSingleton<IAccountRecoveryHandler>(provider => provider.GetRequiredService<SocialAccountRemoval>());
        services.AddSingleton<ISignInMethodHolder>(provider => provider.GetRequiredService<SocialAccountStore>());
        services.AddServiceWithInternalConstructor<SocialSignInService>();
        services.AddExpiryHandler<SocialFlowExpiryHandler>();
        return services;
    }

    private static bool IsAuthority(string authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || SocialProviders.IsLoopbackHttp(uri));
}

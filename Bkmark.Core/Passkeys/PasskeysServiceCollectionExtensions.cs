using Bkmark.Core.Accounts;
using Bkmark.Core.Maintenance;
using Fido2NetLib;

namespace Bkmark.Core.Passkeys;

public static class PasskeysServiceCollectionExtensions
{
    /// <summary>Registers passkeys: options (section <c>Passkeys</c>), Fido2, the stores and <see cref="PasskeyService"/>.</summary>
    public static IServiceCollection AddPasskeys(this IServiceCollection services)
    {
        services.AddOptions<PasskeyOptions>()
            .BindConfiguration(PasskeyOptions.Section)
            .PostConfigure(options =>
            {
                if (options.Origins.Count == 0)
                {
                    options.Origins.Add(PasskeyOptions.DefaultOrigin);
                }
            })
            .Validate(options => options.Origins.All(IsOrigin), "Passkeys:Origins must be origins like https://example.com (scheme, host, optional port; no path).")
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<IFido2>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<PasskeyOptions>>().Value;
            return new Fido2(new Fido2Configuration
            {
                RPID = options.RelyingPartyId,
                RPName = options.RelyingPartyName,
                Origins = options.Origins.ToHashSet(StringComparer.Ordinal),
                Timeout = (uint)options.ChallengeLifetime.TotalMilliseconds,
            });
        });
        services.AddSingleton<PasskeyChallengeStore>();
        services.AddSingleton<PasskeyStore>();
        services.AddSingleton<IPasskeyCounter>(provider => provider.GetRequiredService<PasskeyStore>());
        services.AddSingleton<ISignInMethodHolder>(provider => provider.GetRequiredService<PasskeyStore>());
        services.AddServiceWithInternalConstructor<PasskeyService>();
        services.AddExpiryHandler<PasskeyChallengeExpiryHandler>();
        return services;
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.GetLeftPart(UriPartial.Authority) == origin;
}

namespace Bkmark.Core.TwoFactor;

public static class TwoFactorServiceCollectionExtensions
{
    /// <summary>TOTP two-factor authentication and backup codes.</summary>
    public static IServiceCollection AddTwoFactor(this IServiceCollection services)
    {
        services.AddOptions<TwoFactorOptions>().BindConfiguration(TwoFactorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TotpSecretProtector>();
        services.AddSingleton<TwoFactorStore>();
        services.AddServiceWithInternalConstructor<TwoFactorService>();
        return services;
    }
}

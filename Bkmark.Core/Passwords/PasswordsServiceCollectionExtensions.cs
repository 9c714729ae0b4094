namespace Bkmark.Core.Passwords;

public static class PasswordsServiceCollectionExtensions
{
    /// <summary>The new-password rules: zxcvbn's strength estimate and the breached-password range lookup.</summary>
    public static IServiceCollection AddPasswordPolicy(this IServiceCollection services)
    {
        services.AddOptions<PasswordOptions>().BindConfiguration(PasswordOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PasswordStrength>();
        services.AddSingleton<BreachedPasswords>();
        services.AddServiceWithInternalConstructor<PasswordPolicy>();
        return services;
    }
}

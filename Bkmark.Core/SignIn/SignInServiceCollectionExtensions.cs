namespace Bkmark.Core.SignIn;

public static class SignInServiceCollectionExtensions
{
    /// <summary>Password, passkey and refresh sign-in, and the device tokens that keep strangers from locking owners out.</summary>
    public static IServiceCollection AddSignIn(this IServiceCollection services)
    {
        services.AddSingleton<DeviceTokens>();
        services.AddServiceWithInternalConstructor<SignInService>();
        services.AddSingleton<ReauthenticationService>();
        services.AddSingleton<AccountReclaim>();
        return services;
    }
}

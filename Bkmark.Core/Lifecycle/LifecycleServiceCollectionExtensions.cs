using Bkmark.Core.Accounts;
using Bkmark.Core.Email;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Lifecycle;

public static class LifecycleServiceCollectionExtensions
{
    /// <summary>
    /// The account lifecycle by email: verification, password change and reset, change of email, deletion; their
    /// link tokens, emails and background erasure. Needs an <see cref="IEmailOutbox"/> registered.
    /// </summary>
    public static IServiceCollection AddLifecycle(this IServiceCollection services)
    {
        services.AddOptions<LifecycleOptions>().BindConfiguration(LifecycleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LifecycleTokens>();
        services.AddSingleton<LifecycleEmails>();
        services.AddSingleton<IAccountRecoveryHandler, LifecycleLinkEviction>();
        foreach (var template in LifecycleEmails.Templates)
        {
            services.AddSingleton(template);
        }

        services.AddServiceWithInternalConstructor<EmailVerificationService>();
        services.AddServiceWithInternalConstructor<PasswordService>();
        services.AddServiceWithInternalConstructor<EmailChangeService>();
        services.AddServiceWithInternalConstructor<AccountDeletionService>();
        services.AddExpiryHandler<LifecycleTokenExpiryHandler>();
        services.AddExpiryHandler<AccountEraseHandler>();
        services.AddExpiryHandler<LibraryEraseHandler>();
        return services;
    }
}

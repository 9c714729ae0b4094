using Bkmark.Core.Accounts;
using Bkmark.Core.ApiKeys;
using Bkmark.Core.Authorization;
using Bkmark.Core.Email;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Passkeys;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Sessions;
using Bkmark.Core.SignIn;
using Bkmark.Core.Throttling;
using Bkmark.Core.TwoFactor;

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
        services.AddSingleton<LifecycleTokenStore>();
        services.AddSingleton<LifecycleTokens>();
        services.AddSingleton<LifecycleEmails>();
        foreach (var template in LifecycleEmails.Templates)
        {
            services.AddSingleton(template);
        }

        // Their constructors are internal (they take the internal LifecycleTokens and LifecycleEmails), so each is built here.
        services.AddSingleton(provider => new EmailVerificationService(
            provider.GetRequiredService<AccountService>(),
            provider.GetRequiredService<LifecycleTokens>(),
            provider.GetRequiredService<LifecycleEmails>(),
            provider.GetRequiredService<AttemptThrottle>(),
            provider.GetRequiredService<SecurityEventLog>(),
            provider.GetRequiredService<IOptions<LifecycleOptions>>(),
            provider.GetRequiredService<ILogger<EmailVerificationService>>()));
        services.AddSingleton(provider => new PasswordService(
            provider.GetRequiredService<AccountService>(),
            provider.GetRequiredService<SignInService>(),
            provider.GetRequiredService<SessionService>(),
            provider.GetRequiredService<TwoFactorService>(),
            provider.GetRequiredService<LifecycleTokens>(),
            provider.GetRequiredService<LifecycleEmails>(),
            provider.GetRequiredService<AttemptThrottle>(),
            provider.GetRequiredService<SecurityEventLog>(),
            provider.GetRequiredService<IOptions<LifecycleOptions>>(),
            provider.GetRequiredService<ILogger<PasswordService>>()));
        services.AddSingleton(provider => new EmailChangeService(
            provider.GetRequiredService<AccountService>(),
            provider.GetRequiredService<SignInService>(),
            provider.GetRequiredService<LifecycleTokens>(),
            provider.GetRequiredService<LifecycleEmails>(),
            provider.GetRequiredService<SecurityEventLog>(),
            provider.GetRequiredService<IOptions<LifecycleOptions>>(),
            provider.GetRequiredService<ILogger<EmailChangeService>>()));
        services.AddSingleton(provider => new AccountDeletionService(
            provider.GetRequiredService<AccountService>(),
            provider.GetRequiredService<SignInService>(),
            provider.GetRequiredService<StepUp>(),
            provider.GetRequiredService<SessionService>(),
            provider.GetRequiredService<ApiKeyService>(),
            provider.GetRequiredService<PasskeyService>(),
            provider.GetRequiredService<TwoFactorService>(),
            provider.GetRequiredService<ExpiryIndex>(),
            provider.GetRequiredService<LifecycleEmails>(),
            provider.GetRequiredService<SecurityEventLog>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<AccountDeletionService>>()));
        services.AddExpiryHandler<LifecycleTokenExpiryHandler>();
        services.AddExpiryHandler<AccountEraseHandler>();
        return services;
    }
}

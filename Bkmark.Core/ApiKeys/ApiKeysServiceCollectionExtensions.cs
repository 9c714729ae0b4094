using Bkmark.Core.Accounts;
using Bkmark.Core.Email;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.ApiKeys;

public static class ApiKeysServiceCollectionExtensions
{
    /// <summary>API keys: management, leak reports, expiry warnings, and the <see cref="IApiKeyVerifier"/> the request authenticator uses for <c>bk_</c> keys.</summary>
    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<RateWindowStore>();
        services.AddSingleton<ApiKeyRateLimiter>();
        services.AddSingleton<ApiKeyUsageCounter>();
        services.AddServiceWithInternalConstructor<ApiKeyUsageService>();
        services.AddHostedService<ApiKeyUsageFlusher>();
        services.AddSingleton<LiveApiKeys>();
        services.AddSingleton<ApiKeyLedger>();
        services.AddServiceWithInternalConstructor<ApiKeyService>();
        services.AddServiceWithInternalConstructor<ApiKeyRoller>();
        services.AddServiceWithInternalConstructor<ApiKeyPlans>();
        services.AddSingleton<IPlanChangeHandler>(provider => provider.GetRequiredService<ApiKeyPlans>());
        services.AddSingleton<IApiKeyVerifier, ApiKeyVerifier>();
        services.AddServiceWithInternalConstructor<ApiKeyLeakReports>();
        services.AddOptions<LeakReportOptions>().BindConfiguration(LeakReportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LeakReporters>();
        services.AddSingleton<IEmailTemplate, ApiKeyLeakedEmail>();
        services.AddSingleton<IEmailTemplate, ApiKeyExpiringEmail>();
        services.AddExpiryHandler<ApiKeyExpiryHandler>();
        services.AddExpiryHandler<ApiKeyValueExpiryHandler>();
        services.AddExpiryHandler<ApiKeyExpiryWarningHandler>();
        services.AddExpiryHandler<RateWindowExpiryHandler>();
        return services;
    }
}

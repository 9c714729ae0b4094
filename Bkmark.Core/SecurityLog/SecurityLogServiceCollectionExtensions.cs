using Bkmark.Core.Email;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.SecurityLog;

public static class SecurityLogServiceCollectionExtensions
{
    /// <summary>The security activity log, its email notices, and the sweep handler that keeps it to its retention.</summary>
    public static IServiceCollection AddSecurityLog(this IServiceCollection services)
    {
        services.AddSingleton<SecurityEventStore>();
        services.AddServiceWithInternalConstructor<SecurityNotifier>();
        services.AddServiceWithInternalConstructor<SecurityEventLog>();
        foreach (var notice in SecurityNotices.All)
        {
            services.AddSingleton<IEmailTemplate>(provider => new SecurityNoticeTemplate(notice, provider.GetRequiredService<IOptions<AppOptions>>()));
        }

        services.AddExpiryHandler<SecurityEventExpiryHandler>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bkmark.Core.Maintenance;

public static class MaintenanceServiceCollectionExtensions
{
    /// <summary>The expiry index features schedule into, the sweep and the backfill.</summary>
    public static IServiceCollection AddExpirySweep(this IServiceCollection services)
    {
        services.AddOptions<SweepOptions>().BindConfiguration(SweepOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ExpiryIndexStore>();

        services.AddServiceWithInternalConstructor<ExpiryIndex>();
        services.AddServiceWithInternalConstructor<ExpirySweeper>();
        services.AddSingleton<ExpiryBackfill>();
        return services;
    }

    /// <summary>Adds the sweep's handler for one kind of expiring thing (a feature calls this for its own kinds).</summary>
    public static IServiceCollection AddExpiryHandler<THandler>(this IServiceCollection services)
        where THandler : class, IExpiryHandler
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExpiryHandler, THandler>());
        return services;
    }

    /// <summary>Adds something the sweep clears by age on every run (a feature calls this for its own stores).</summary>
    public static IServiceCollection AddRetentionSweep<TSweep>(this IServiceCollection services)
        where TSweep : class, IRetentionSweep
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRetentionSweep, TSweep>());
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bkmark.Core.Maintenance;

public static class MaintenanceServiceCollectionExtensions
{
    /// <summary>The expiry index features schedule into, the sweep and the backfill.</summary>
    public static IServiceCollection AddExpirySweep(this IServiceCollection services)
    {
        services.AddOptions<SweepOptions>().BindConfiguration(SweepOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ExpiryIndexStore>();

        // Their constructors are internal (they take the internal store), so each is built here.
        services.AddSingleton(provider => new ExpiryIndex(
            provider.GetRequiredService<ExpiryIndexStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<SweepOptions>>()));
        services.AddSingleton(provider => new ExpirySweeper(
            provider.GetRequiredService<ExpiryIndex>(),
            provider.GetRequiredService<ExpiryIndexStore>(),
            provider.GetServices<IExpiryHandler>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<SweepOptions>>(),
            provider.GetRequiredService<ILogger<ExpirySweeper>>()));
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
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bkmark.Core;

/// <summary>The one registration both hosts call.</summary>
public static class BkmarkServiceCollectionExtensions
{
    public static IServiceCollection AddBkmark(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        return services;
    }
}

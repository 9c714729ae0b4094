using Bkmark.Core.Accounts;
using Bkmark.Core.Authorization;
using Bkmark.Core.Credentials;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bkmark.Core.Organisations;

public static class OrganisationsServiceCollectionExtensions
{
    /// <summary>Organisations, their members and invitations, and the access check of every library route.</summary>
    public static IServiceCollection AddOrganisations(this IServiceCollection services)
    {
        services.AddOptions<OrganisationOptions>().BindConfiguration(OrganisationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OrganisationStore>();
        services.AddSingleton(provider => new OrganisationService(
            provider.GetRequiredService<OrganisationStore>(),
            provider.GetRequiredService<UserStore>(),
            provider.GetRequiredService<IdGenerator>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<OrganisationOptions>>(),
            provider.GetRequiredService<ILogger<OrganisationService>>()));
        services.AddSingleton(provider => new OrganisationAccess(
            provider.GetRequiredService<RequestAuthenticator>(),
            provider.GetRequiredService<OrganisationService>()));
        return services;
    }
}

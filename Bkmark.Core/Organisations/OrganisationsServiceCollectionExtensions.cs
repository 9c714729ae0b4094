using Bkmark.Core.Accounts;
using Bkmark.Core.ApiKeys;
using Bkmark.Core.Email;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Organisations;

public static class OrganisationsServiceCollectionExtensions
{
    /// <summary>Organisations, their members and invitations, and the access check of every library route.</summary>
    public static IServiceCollection AddOrganisations(this IServiceCollection services)
    {
        services.AddOptions<OrganisationOptions>().BindConfiguration(OrganisationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OrganisationStore>();
        services.AddServiceWithInternalConstructor<OrganisationService>();
        services.AddSingleton<OrganisationAccess>();
        services.AddServiceWithInternalConstructor<InvitationService>();
        services.AddSingleton<OrganisationKeyHolders>();
        services.AddSingleton<IOrganisationKeyHolders>(provider => provider.GetRequiredService<OrganisationKeyHolders>());
        services.AddSingleton<IPlanChangeHandler>(provider => provider.GetRequiredService<OrganisationKeyHolders>());
        services.AddSingleton<IEmailTemplate, InvitationEmailTemplate>();
        services.AddExpiryHandler<InvitationExpiryHandler>();
        return services;
    }
}

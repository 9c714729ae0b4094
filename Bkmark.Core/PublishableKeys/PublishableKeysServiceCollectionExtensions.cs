using Bkmark.Core.Authorization;
using Bkmark.Core.Groups;

namespace Bkmark.Core.PublishableKeys;

public static class PublishableKeysServiceCollectionExtensions
{
    /// <summary>Publishable keys: management, the public group reads, and the <see cref="IPublishableKeyVerifier"/> the request authenticator uses.</summary>
    public static IServiceCollection AddPublishableKeys(this IServiceCollection services)
    {
        services.AddOptions<PublishableKeyOptions>().BindConfiguration(PublishableKeyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PublishableKeyStore>();
        services.AddSingleton(provider => new PublishableKeyService(
            provider.GetRequiredService<PublishableKeyStore>(),
            provider.GetRequiredService<GroupService>(),
            provider.GetRequiredService<CredentialHasher>(),
            provider.GetRequiredService<IdGenerator>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<PublishableKeyOptions>>(),
            provider.GetRequiredService<ILogger<PublishableKeyService>>()));
        services.AddSingleton<PublicGroupService>();
        services.AddSingleton<IPublishableKeyVerifier, PublishableKeyVerifier>();
        return services;
    }
}

namespace Bkmark.Core.PublishableKeys;

public static class PublishableKeysServiceCollectionExtensions
{
    /// <summary>Publishable keys: management, the public group reads, and the <see cref="IPublishableKeyVerifier"/> the request authenticator uses.</summary>
    public static IServiceCollection AddPublishableKeys(this IServiceCollection services)
    {
        services.AddOptions<PublishableKeyOptions>().BindConfiguration(PublishableKeyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PublishableKeyStore>();
        services.AddServiceWithInternalConstructor<PublishableKeyService>();
        services.AddSingleton<PublicGroupService>();
        services.AddSingleton<IPublishableKeyVerifier, PublishableKeyVerifier>();
        return services;
    }
}

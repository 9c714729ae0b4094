using Azure.Identity;
using Azure.Storage.Queues;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Email;

public static class EmailServiceCollectionExtensions
{
    /// <summary>
    /// The outbox (<see cref="IEmailOutbox"/>) request paths enqueue on, and the dispatcher the queue trigger
    /// runs. Capabilities add their own <see cref="IEmailTemplate"/>s.
    /// </summary>
    public static IServiceCollection AddEmail(this IServiceCollection services)
    {
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AppOptions>().BindConfiguration(AppOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidation>();
        services.AddSingleton<IValidateOptions<AppOptions>, EmailOptionsValidation>();

        services.AddSingleton(provider =>
        {
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            // Base64, as the Functions queue trigger expects by default (host.json extensions.queues.messageEncoding).
            var clientOptions = StorageClientOptions.Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }, provider);
            return storage.QueueServiceUri is { } endpoint
                ? new QueueServiceClient(endpoint, new DefaultAzureCredential(), clientOptions)
                : new QueueServiceClient(storage.ConnectionString, clientOptions);
        });
        services.AddSingleton<OutboxSealer>();
        services.AddSingleton<IEmailOutbox, QueueEmailOutbox>();

        services.AddSingleton<EmailRenderer>();
        services.AddSingleton<SmtpEmailSender>();
        services.AddSingleton<EmailDeliveryStore>();
        services.AddExpiryHandler<EmailDeliveryExpiryHandler>();
        services.AddRetentionSweep<PoisonQueueSweep>();
        services.AddHostedService<EmailStartup>();
        services.AddServiceWithInternalConstructor<EmailDispatcher>();
        return services;
    }
}

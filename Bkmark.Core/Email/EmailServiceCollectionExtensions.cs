using Azure.Core.Pipeline;
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
            var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            clientOptions.Retry.NetworkTimeout = storage.NetworkTimeout;
            clientOptions.Retry.MaxRetries = 2;
            clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(100);
            clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(1);
            // The same extra policies as the tables get, so the tests count a queue message as the storage request it is.
            foreach (var policy in provider.GetServices<HttpPipelinePolicy>())
            {
                clientOptions.AddPolicy(policy, Azure.Core.HttpPipelinePosition.PerRetry);
            }

            return storage.QueueServiceUri is { } endpoint
                ? new QueueServiceClient(endpoint, new DefaultAzureCredential(), clientOptions)
                : new QueueServiceClient(storage.ConnectionString, clientOptions);
        });
        services.AddSingleton<IEmailOutbox>(provider => new QueueEmailOutbox(
            provider.GetRequiredService<QueueServiceClient>(),
            provider.GetRequiredService<IdGenerator>(),
            provider.GetRequiredService<IOptions<EmailOptions>>()));

        services.AddSingleton<EmailRenderer>();
        services.AddSingleton<SmtpEmailSender>();
        services.AddSingleton<EmailDeliveryStore>();
        services.AddExpiryHandler<EmailDeliveryExpiryHandler>();
        services.AddHostedService<EmailStartup>();
        // Its constructor is internal (it takes the internal sender and store), so it is built here.
        services.AddSingleton(provider => new EmailDispatcher(
            provider.GetServices<IEmailTemplate>(),
            provider.GetRequiredService<EmailRenderer>(),
            provider.GetRequiredService<SmtpEmailSender>(),
            provider.GetRequiredService<EmailDeliveryStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<EmailOptions>>(),
            provider.GetRequiredService<ILogger<EmailDispatcher>>()));
        return services;
    }
}

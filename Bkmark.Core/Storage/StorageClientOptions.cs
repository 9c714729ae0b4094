using Azure.Core;
using Azure.Core.Pipeline;

namespace Bkmark.Core.Storage;

/// <summary>What every storage client of the app (the tables, the outbox queue) is built with, written once.</summary>
internal static class StorageClientOptions
{
    /// <summary>
    /// Short retries within the request's time budget, and the extra pipeline policies registered in the container
    /// (tests count storage requests, queue messages among them, with one).
    /// </summary>
    public static T Configure<T>(T clientOptions, IServiceProvider provider)
        where T : ClientOptions
    {
        var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        clientOptions.Retry.NetworkTimeout = storage.NetworkTimeout;
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(100);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        foreach (var policy in provider.GetServices<HttpPipelinePolicy>())
        {
            clientOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        return clientOptions;
    }
}

using Azure.Core.Pipeline;

namespace Bkmark.Tests.Infrastructure;

/// <summary>A <see cref="LocalHostFixture"/> that records every storage request the service makes.</summary>
public sealed class CountingLocalHostFixture : LocalHostFixture
{
    public StorageRequestCounter StorageRequests { get; } = new();

    /// <summary>Storage requests are counted here: emails stay queued, so the email trigger's storage work is not counted.</summary>
    protected override bool RunsQueueTriggers => false;

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<HttpPipelinePolicy>(StorageRequests);
}

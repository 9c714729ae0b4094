using Microsoft.Extensions.Hosting;

namespace Bkmark.Core.Secrets;

/// <summary>Resolves the <see cref="KeyRing"/> when the host starts, so a missing secret fails start-up, not the first request.</summary>
internal sealed class SecretsStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<KeyRing>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

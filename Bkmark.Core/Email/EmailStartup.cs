using Microsoft.Extensions.Hosting;

namespace Bkmark.Core.Email;

/// <summary>Checks the SMTP password is there at start-up, as the other secrets are (DESIGN.md §1).</summary>
internal sealed class EmailStartup(SmtpEmailSender sender) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => sender.EnsureConfiguredAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

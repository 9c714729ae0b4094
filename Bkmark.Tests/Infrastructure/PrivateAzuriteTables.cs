using System.Diagnostics;
using System.Net.Sockets;

namespace Bkmark.Tests.Infrastructure;

/// <summary>
/// An Azurite table service of a test's own (in memory, on a free port), which the test can stop and start again
/// on the same port, as a storage outage and its end. Queues stay on the tests' shared Azurite.
/// </summary>
public sealed class PrivateAzuriteTables : IAsyncDisposable
{
    private const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process? process;

    public int Port { get; } = FreePort();

    /// <summary>A connection string with this table service and the shared Azurite's queue service.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentAccountKey};" +
        $"TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;QueueEndpoint={SharedQueueEndpoint()};";

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(RepositoryFiles.PathOf("node_modules/.bin/azurite-table"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent", "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Could not start azurite-table.");
        // Waits for the port to accept, as test.sh does; Azurite takes a second or two on a busy machine.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, deadline.Token);
                return;
            }
            catch (SocketException) when (!process.HasExited)
            {
                await Task.Delay(100, deadline.Token);
            }
        }
    }

    public async Task StopAsync()
    {
        if (process is { } running)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync();
            running.Dispose();
            process = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static string SharedQueueEndpoint()
    {
        var shared = AzuriteStorage.ConnectionString;
        var queue = shared.Split(';').FirstOrDefault(part => part.StartsWith("QueueEndpoint=", StringComparison.OrdinalIgnoreCase));
        return queue is null ? "http://127.0.0.1:10001/devstoreaccount1" : queue["QueueEndpoint=".Length..];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

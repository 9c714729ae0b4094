using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Bkmark.Core.Telemetry;
using Bkmark.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bkmark.Benchmarks.Micro;

/// <summary>
/// What OpenTelemetry adds to one API-key verify on the request thread, with the hosts' own registration
/// (<see cref="BkmarkTelemetry.AddBkmarkTelemetry"/>) and an OTLP exporter: the request's server span
/// (ASP.NET Core's source), the storage read's client span (the Azure SDK's), and the verification counter.
/// <see cref="Mode"/> Off is <c>OTEL_SDK_DISABLED=true</c>; Sampled is what infra/main.bicep deploys
/// (parent-based trace-id ratio 0.05); AllSpans records every span. The batch exporter's work runs on its own
/// thread and is not in these times: <c>./bench.sh load</c>'s CPU per request counts it.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TelemetryBenchmarks
{
    private static readonly ActivitySource Server = new("Microsoft.AspNetCore");
    private static readonly ActivitySource Storage = new("Azure.Data.Tables.TableClient");

    private ServiceProvider services = null!;
    private BkmarkMetrics metrics = null!;

    public enum TelemetryMode
    {
        Off,
        Sampled,
        AllSpans,
    }

    [Params(TelemetryMode.Off, TelemetryMode.Sampled, TelemetryMode.AllSpans)]
    public TelemetryMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var settings = new Dictionary<string, string?>
        {
            // Nothing listens there: exports fail on the exporter's thread, which is not measured here.
            [BkmarkTelemetry.OtlpEndpointSetting] = "http://127.0.0.1:9",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SDK_DISABLED"] = Mode == TelemetryMode.Off ? "true" : "false",
            ["OTEL_TRACES_SAMPLER"] = Mode == TelemetryMode.Sampled ? "parentbased_traceidratio" : "always_on",
            ["OTEL_TRACES_SAMPLER_ARG"] = "0.05",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddMetrics();
        collection.AddBkmarkTelemetry(configuration);
        collection.AddSingleton<BkmarkMetrics>();
        services = collection.BuildServiceProvider();
        // The providers start with the host; nothing else here starts them.
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            hosted.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        metrics = services.GetRequiredService<BkmarkMetrics>();
    }

    [GlobalCleanup]
    public void Cleanup() => services.Dispose();

    [Benchmark(Description = "Telemetry of one verify: server span, storage span, counter")]
    public void Verify()
    {
        using (var request = Server.StartActivity("GET /api/v1/auth/verify", ActivityKind.Server))
        {
            request?.SetTag("http.request.method", "GET");
            request?.SetTag("url.path", "/api/v1/auth/verify");
            using (var read = Storage.StartActivity("TableClient.GetEntity", ActivityKind.Client))
            {
                read?.SetTag("url.full", "http://127.0.0.1:10002/devstoreaccount1/ApiKeys(PartitionKey='a',RowKey='b')");
                read?.SetTag("http.response.status_code", 200);
            }

            metrics.KeyVerified("succeeded");
            request?.SetTag("http.response.status_code", 200);
        }
    }
}

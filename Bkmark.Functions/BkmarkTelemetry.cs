using System.Diagnostics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Bkmark.Core.Telemetry;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Bkmark.Functions;

/// <summary>
/// OpenTelemetry for both hosts (DESIGN §18), registered once here and called by Program.cs and by Bkmark.LocalHost:
/// spans of function invocations, of HTTP requests and of storage calls (the Azure SDK's), and the service's own meter
/// (<see cref="BkmarkMetrics"/>); exported to Application Insights when <see cref="AzureMonitorSetting"/> is set, to OTLP
/// when <see cref="OtlpEndpointSetting"/> is, and nowhere otherwise. Logs keep going through the host's own logging.
/// </summary>
public static class BkmarkTelemetry
{
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary><c>Authorization=AAD</c> here (infra/main.bicep sets it) means ingestion takes the app's identity, not the key.</summary>
    public const string AzureMonitorAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The service name spans and metrics carry.</summary>
    public const string ServiceName = "bkmark";

    // The Functions worker's invocations, ASP.NET Core's requests (the local host; the real host's HTTP proxy), the
    // Azure SDK's storage and Key Vault calls.
    private static readonly string[] Sources = ["Microsoft.Azure.Functions.Worker", "Microsoft.AspNetCore", "Azure.*"];

    /// <returns>The builder, so a test can add its own exporter.</returns>
    public static IOpenTelemetryBuilder AddBkmarkTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // The Azure SDK creates its spans through ActivitySource only when this switch is on.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var azureMonitor = configuration[AzureMonitorSetting];
        // The Bicep template turns local auth off on Application Insights: the exporter signs in as the app (AZURE_CLIENT_ID).
        var byIdentity = configuration[AzureMonitorAuthenticationSetting]?.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase) == true;
        void ConfigureAzureMonitor(AzureMonitorExporterOptions options)
        {
            options.ConnectionString = azureMonitor;
            if (byIdentity)
            {
                options.Credential = new DefaultAzureCredential();
            }
        }

        var otlp = !string.IsNullOrEmpty(configuration[OtlpEndpointSetting]);

        return services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Sources).AddProcessor(new UrlRedaction());
                if (!string.IsNullOrEmpty(azureMonitor))
                {
                    tracing.AddAzureMonitorTraceExporter(ConfigureAzureMonitor);
                }

                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(BkmarkMetrics.MeterName);
                if (!string.IsNullOrEmpty(azureMonitor))
                {
                    metrics.AddAzureMonitorMetricExporter(ConfigureAzureMonitor);
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
    }

    /// <summary>
    /// Cuts URLs in span tags down to scheme, host and path without its key predicate or query: a storage call's URL
    /// names the row it reads and its filter, and a request's query may carry a value a person typed.
    /// </summary>
    private sealed class UrlRedaction : BaseProcessor<Activity>
    {
        private static readonly string[] UrlTags = ["http.url", "url.full", "url.query", "http.target"];

        public override void OnEnd(Activity data)
        {
            foreach (var tag in UrlTags)
            {
                if (data.GetTagItem(tag) is string value)
                {
                    data.SetTag(tag, tag == "url.query" ? null : Redact(value));
                }
            }
        }

        private static string Redact(string url)
        {
            var end = url.IndexOfAny(['(', '?']);
            return end < 0 ? url : url[..end];
        }
    }
}

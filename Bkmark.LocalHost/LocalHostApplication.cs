using System.Reflection;
using Bkmark.Core;
using Bkmark.Functions;

namespace Bkmark.LocalHost;

/// <summary>
/// Runs Bkmark.Functions' HTTP, timer and queue functions on Kestrel, for machines without Azure Functions Core
/// Tools and for the integration tests (DESIGN.md §1, Hosting). It adds no behaviour of its own: routes,
/// methods and key levels come from the functions' attributes, services from <c>AddBkmark</c>, as in the
/// real host.
/// </summary>
public static class LocalHostApplication
{
    /// <summary>Where <c>func start</c> listens; used unless <c>--urls</c>, <c>ASPNETCORE_URLS</c> or <c>urls</c> says otherwise.</summary>
    public const string DefaultUrl = "http://localhost:7071";

    /// <summary>The Functions host's setting for the largest request body it accepts, in bytes.</summary>
    public const string RequestBodySizeLimitKey = "FUNCTIONS_REQUEST_BODY_SIZE_LIMIT";

    /// <summary>The Functions host's default when the setting is absent: 100 MB.</summary>
    public const long DefaultRequestBodySizeLimit = 104_857_600;

    /// <param name="args">Command-line arguments (<c>--urls</c>, <c>--environment</c>, <c>--Section:Key=value</c>…).</param>
    /// <param name="configure">
    /// Runs after <c>AddBkmark</c> and before the app is built, so registrations made here win (tests swap
    /// <see cref="TimeProvider"/> this way).
    /// </param>
    /// <param name="functionsAssembly">Where to find functions; Bkmark.Functions by default.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, Assembly? functionsAssembly = null)
    {
        ArgumentNullException.ThrowIfNull(args);

        // Bkmark.Functions' Program is top-level and so has the same name as ours: load it by assembly name.
        functionsAssembly ??= Assembly.Load("Bkmark.Functions");
        var catalog = FunctionCatalog.Discover(functionsAssembly);

        // Content root = where the app's files are (appsettings.json with the schedule defaults), whatever
        // the working directory: `dotnet run --project`, `dotnet Bkmark.LocalHost.dll` and the tests alike.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddBkmark(builder.Configuration, builder.Environment);
        builder.Services.AddBkmarkTelemetry(builder.Configuration);
        // IActionResult execution needs MVC's result executors and JSON formatters, as in the real host.
        builder.Services.AddMvcCore();
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton<FunctionKeyCheck>();
        builder.Services.AddSingleton<TimerFunctionRunner>();
        builder.Services.AddHostedService<TimerFunctionScheduler>();
        builder.Services.AddHostedService<QueueFunctionListener>();

        configure?.Invoke(builder);

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // The real host's limit on a request body, from the host's own setting, so an oversized upload is
        // refused the same way (an empty 413) by both hosts.
        long bodySizeLimit = builder.Configuration.GetValue(RequestBodySizeLimitKey, DefaultRequestBodySizeLimit);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = bodySizeLimit);
        var trustedNetworks = FrontEndForwarding.ReadTrustedNetworks(builder.Configuration);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LocalHostApplication).FullName!);

        FrontEndForwarding.Use(app, trustedNetworks);
        LocalHostLog.TrustedNetworks(logger, trustedNetworks.Count == 0 ? "none" : string.Join(", ", trustedNetworks));

        // The route prefix is the real host's setting; host.json is copied next to Bkmark.Functions.dll.
        string routePrefix = HostJson.ReadRoutePrefix(AppContext.BaseDirectory);
        HttpFunctionEndpoints.Map(app, catalog.HttpFunctions, routePrefix);
        AdminFunctionEndpoints.Map(app);

        var keyCheck = app.Services.GetRequiredService<FunctionKeyCheck>();
        if (!keyCheck.IsConfigured)
        {
            LocalHostLog.FunctionKeyNotConfigured(logger);
        }

        if (!keyCheck.IsMasterKeyConfigured)
        {
            LocalHostLog.MasterKeyNotConfigured(logger);
        }

        return app;
    }
}

using Microsoft.Azure.Functions.Worker;

namespace Bkmark.LocalHost;

/// <summary>
/// The real host's <c>POST /admin/functions/{name}</c>: runs a non-HTTP function now, so a person can
/// trigger the sweep by hand. Guarded by the master key (<c>LocalHost:MasterKey</c>), as in the real host;
/// a function key is not enough.
/// </summary>
/// <remarks>
/// The real host answers 202 as soon as the run is queued. Here the run is awaited first, so the caller
/// learns whether it worked: 202 when it completed, a 500 problem when it failed (details in the log).
/// The run is not tied to the request: a client that disconnects does not cancel a half-done sweep.
/// </remarks>
internal static class AdminFunctionEndpoints
{
    public const string Route = "admin/functions/{name}";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var catalog = services.GetRequiredService<FunctionCatalog>();
        var keyCheck = services.GetRequiredService<FunctionKeyCheck>();
        var runner = services.GetRequiredService<TimerFunctionRunner>();
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();

        RequestDelegate handler = async context =>
        {
            if (!keyCheck.IsAuthorized(context.Request, AuthorizationLevel.Admin))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            string name = (string)context.Request.RouteValues["name"]!;
            var function = catalog.FindTimerFunction(name);
            if (function is null)
            {
                await ProblemResponses.WriteNotFoundAsync(context, "No non-HTTP function has this name.");
                return;
            }

            bool completed = await runner.RunAsync(function, new TimerInfo(), "admin request", lifetime.ApplicationStopping);
            if (completed)
            {
                context.Response.StatusCode = StatusCodes.Status202Accepted;
            }
            else
            {
                await ProblemResponses.WriteInternalErrorAsync(context);
            }
        };

        endpoints.MapPost(Route, handler).WithDisplayName("Admin: run function");
    }
}

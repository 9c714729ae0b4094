using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.LocalHost;

/// <summary>
/// Maps each HTTP function to an endpoint with the route and methods of its <see cref="HttpTriggerAttribute"/>,
/// under host.json's route prefix, and runs it as the worker's ASP.NET Core integration does.
/// </summary>
internal static class HttpFunctionEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, IEnumerable<HttpFunction> functions, string routePrefix)
    {
        var services = endpoints.ServiceProvider;
        var keyCheck = services.GetRequiredService<FunctionKeyCheck>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpFunctionEndpoints).FullName!);
        var routePatterns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        foreach (var function in functions)
        {
            string pattern = routePrefix.Length == 0 ? function.Route : $"{routePrefix}/{function.Route}";
            RequestDelegate handler = context => HandleAsync(context, function, keyCheck, logger);

            // No methods in the attribute means every method, as in the real host.
            var builder = function.HttpMethods.Count == 0
                ? endpoints.Map(pattern, handler)
                : endpoints.MapMethods(pattern, function.HttpMethods, handler);
            builder.WithDisplayName(function.Name);
            routePatterns.Add(pattern);

            LocalHostLog.MappedHttpFunction(logger, function.Name,
                function.HttpMethods.Count == 0 ? "*" : string.Join(",", function.HttpMethods), pattern, function.AuthLevel.ToString());
        }

        // The real host answers a known route with another method as it answers an unknown route: an empty
        // 404, where ASP.NET Core routing would say 405. A catch-all endpoint per route, ordered after the
        // functions, leaves routing no method mismatch to report; a function whose route also matches
        // (a {parameter} beside a literal) still wins, as the host falls through to it.
        foreach (string pattern in routePatterns)
        {
            endpoints.Map(pattern, context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }).WithOrder(int.MaxValue).WithDisplayName($"404 for other methods on /{pattern}");
        }
    }

    private static async Task HandleAsync(HttpContext context, HttpFunction function, FunctionKeyCheck keyCheck, ILogger logger)
    {
        // Anything above Anonymous needs a key in the real host (Function, System and Admin alike).
        if (!keyCheck.IsAuthorized(context.Request, function.AuthLevel))
        {
            // The real host answers a missing or wrong key with an empty 401.
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        try
        {
            object? result = await FunctionInvoker.InvokeAsync(function, context.RequestServices, p => Bind(p, context));
            await ExecuteResultAsync(context, result);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client is gone; there is nobody to answer.
            LocalHostLog.RequestAborted(logger, function.Name);
        }
        catch (Exception ex)
        {
            if (context.Response.HasStarted)
            {
                // A half-written body must not look like a complete answer.
                LocalHostLog.FailedAfterResponseStarted(logger, function.Name, ex);
                context.Abort();
                return;
            }

            LocalHostLog.FunctionFailed(logger, function.Name, ex);
            // The real host answers an exception that escapes a function with an empty 500 (the app's own
            // ApiEndpoint answers problem+json for what it catches). Drop whatever headers the function set.
            context.Response.Clear();
            context.Response.StatusCode = ex is BadHttpRequestException badRequest
                ? badRequest.StatusCode
                : StatusCodes.Status500InternalServerError;
        }
    }

    private static object? Bind(ParameterInfo parameter, HttpContext context)
    {
        if (parameter.ParameterType == typeof(HttpRequest))
        {
            return context.Request;
        }

        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return context.RequestAborted;
        }

        // FunctionCatalog has checked that every other parameter names a route parameter.
        // RouteValueDictionary ignores case, as the worker's binding data does.
        object? value = context.Request.RouteValues[parameter.Name!];
        return Convert(value, parameter.ParameterType);
    }

    private static object? Convert(object? value, Type type)
    {
        if (value is null || (value is string s && s.Length == 0 && type != typeof(string)))
        {
            // An optional route parameter that was left out.
            return type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;
        }

        if (type.IsInstanceOfType(value))
        {
            return value;
        }

        string text = System.Convert.ToString(value, CultureInfo.InvariantCulture)!;
        return type == typeof(string) ? text : TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text);
    }

    private static Task ExecuteResultAsync(HttpContext context, object? result) => result switch
    {
        IActionResult actionResult => actionResult.ExecuteResultAsync(
            new ActionContext(context, context.GetRouteData(), new ActionDescriptor())),
        IResult httpResult => httpResult.ExecuteAsync(context),
        // No result: the real host sends the response as it stands, 200 with an empty body by default.
        null => Task.CompletedTask,
        _ => throw new InvalidOperationException(
            $"The function returned a {result.GetType().Name}; HTTP functions here return IActionResult or IResult."),
    };
}

using System.ComponentModel;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.LocalHost;

/// <summary>A function as the worker indexes it: its name and the method that runs it.</summary>
internal abstract record FunctionDefinition(string Name, MethodInfo Method);

/// <summary>A function with an <see cref="HttpTriggerAttribute"/>.</summary>
/// <param name="Route">The route without the host's prefix, as written in the attribute (or the function name).</param>
/// <param name="HttpMethods">Upper-case methods; empty means every method, as in the real host.</param>
internal sealed record HttpFunction(
    string Name, MethodInfo Method, AuthorizationLevel AuthLevel, IReadOnlyList<string> HttpMethods, string Route)
    : FunctionDefinition(Name, Method);

/// <summary>A function with a <see cref="TimerTriggerAttribute"/>.</summary>
/// <param name="Schedule">The schedule as written, <c>%Setting%</c> names not yet resolved.</param>
internal sealed record TimerFunction(string Name, MethodInfo Method, string Schedule, bool RunOnStartup)
    : FunctionDefinition(Name, Method);

/// <summary>A function with a <see cref="QueueTriggerAttribute"/>.</summary>
/// <param name="QueueName">The queue as written, <c>%Setting%</c> names not yet resolved.</param>
/// <param name="Connection">The setting naming the storage account; <c>AzureWebJobsStorage</c> when the attribute names none, as in the host.</param>
internal sealed record QueueFunction(string Name, MethodInfo Method, string QueueName, string Connection)
    : FunctionDefinition(Name, Method);

/// <summary>
/// The functions the local host serves. For a Functions app this is the SDK-generated
/// <c>functions.metadata</c>, the catalog the real host indexes; each entry is bound to its method the way
/// the worker's indexer finds it (public methods of public types carrying <see cref="FunctionAttribute"/>).
/// </summary>
/// <remarks>
/// Everything the local host cannot run exactly as the real host would (another trigger, a parameter it
/// does not bind, a return type it does not execute, a <c>functions.metadata</c> that no longer matches the
/// code) fails here, at start-up, with the function's name — not at the first request, and not by silently
/// behaving differently from Azure. An assembly without <c>functions.metadata</c> (the tests' sample
/// functions) is catalogued from its attributes alone.
/// </remarks>
internal sealed class FunctionCatalog
{
    private FunctionCatalog(
        IReadOnlyList<HttpFunction> httpFunctions, IReadOnlyList<TimerFunction> timerFunctions, IReadOnlyList<QueueFunction> queueFunctions)
    {
        HttpFunctions = httpFunctions;
        TimerFunctions = timerFunctions;
        QueueFunctions = queueFunctions;
    }

    public IReadOnlyList<HttpFunction> HttpFunctions { get; }

    public IReadOnlyList<TimerFunction> TimerFunctions { get; }

    public IReadOnlyList<QueueFunction> QueueFunctions { get; }

    /// <summary>Non-HTTP functions by name; the admin endpoint runs these. Names are case-insensitive, as in the host.</summary>
    public TimerFunction? FindTimerFunction(string name) =>
        TimerFunctions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    public static FunctionCatalog Discover(Assembly assembly) => Discover(assembly, FunctionsMetadata.ReadFor(assembly));

    /// <param name="metadata">The assembly's <c>functions.metadata</c> entries; <see langword="null"/> when it has none.</param>
    internal static FunctionCatalog Discover(Assembly assembly, IReadOnlyList<FunctionMetadataEntry>? metadata)
    {
        var fromAttributes = DiscoverFromAttributes(assembly);
        if (metadata is not null)
        {
            fromAttributes.CheckAgainst(metadata);
        }

        return fromAttributes;
    }

    /// <summary>The catalog as the attributes alone describe it, without <c>functions.metadata</c>.</summary>
    public static FunctionCatalog DiscoverFromAttributes(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);

        var http = new List<HttpFunction>();
        var timers = new List<TimerFunction>();
        var queues = new List<QueueFunction>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        var methods = assembly.GetExportedTypes()
            .Where(t => t.IsClass)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(x => x.Function is not null)
            // Stable order so routes and logs do not depend on reflection order.
            .OrderBy(x => x.Function!.Name, StringComparer.Ordinal);

        foreach (var (method, function) in methods)
        {
            string name = function!.Name;
            if (string.IsNullOrWhiteSpace(name))
            {
                throw Invalid(method, "(unnamed)", "[Function] needs a name.");
            }

            if (!names.Add(name))
            {
                throw Invalid(method, name, "another function has the same name (names are case-insensitive).");
            }

            if (method.DeclaringType!.IsAbstract && !method.IsStatic)
            {
                throw Invalid(method, name, "an instance function cannot live on an abstract or static class.");
            }

            var parameters = method.GetParameters();
            var httpTrigger = parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null);
            var timerTrigger = parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).SingleOrDefault(a => a is not null);
            var queueTrigger = parameters.Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()).SingleOrDefault(a => a is not null);

            switch ((httpTrigger, timerTrigger, queueTrigger))
            {
                case ({ } trigger, null, null):
                    http.Add(DescribeHttp(method, name, trigger));
                    break;
                case (null, { } trigger, null):
                    timers.Add(DescribeTimer(method, name, trigger));
                    break;
                case (null, null, { } trigger):
                    queues.Add(DescribeQueue(method, name, trigger));
                    break;
                default:
                    throw Invalid(method, name, "the local host runs functions with exactly one HTTP, timer or queue trigger (DESIGN.md §1).");
            }
        }

        return new FunctionCatalog(http, timers, queues);
    }

    /// <summary>
    /// The host serves what <c>functions.metadata</c> lists, so the local host must serve exactly the same:
    /// every function, trigger, route, method set and key level. A difference means the file is stale or
    /// the generator and the attributes disagree; either way the two hosts would differ, so start-up stops.
    /// </summary>
    private void CheckAgainst(IReadOnlyList<FunctionMetadataEntry> metadata)
    {
        var problems = new List<string>();
        var listed = metadata.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var function in HttpFunctions.Cast<FunctionDefinition>().Concat(TimerFunctions).Concat(QueueFunctions))
        {
            if (!listed.Remove(function.Name, out var entry))
            {
                problems.Add($"'{function.Name}' is a function but {FunctionsMetadata.FileName} does not list it");
                continue;
            }

            string entryPoint = $"{function.Method.DeclaringType!.FullName}.{function.Method.Name}";
            if (entry.EntryPoint != entryPoint)
            {
                problems.Add($"'{function.Name}' runs {entryPoint}, the metadata says {entry.EntryPoint}");
            }

            string? difference = (function, entry) switch
            {
                (HttpFunction http, { TriggerType: "httpTrigger" }) when
                    !string.Equals((entry.Route ?? http.Name).Trim('/'), http.Route, StringComparison.Ordinal) =>
                    $"route '{http.Route}', the metadata says '{entry.Route}'",
                (HttpFunction http, { TriggerType: "httpTrigger" }) when !http.HttpMethods.Order().SequenceEqual(entry.HttpMethods.Order()) =>
                    $"methods [{string.Join(",", http.HttpMethods)}], the metadata says [{string.Join(",", entry.HttpMethods)}]",
                (HttpFunction http, { TriggerType: "httpTrigger" }) when http.AuthLevel != entry.AuthLevel =>
                    $"auth level {http.AuthLevel}, the metadata says {entry.AuthLevel}",
                (HttpFunction, { TriggerType: "httpTrigger" }) => null,
                (TimerFunction timer, { TriggerType: "timerTrigger" }) when timer.Schedule != entry.Schedule =>
                    $"schedule '{timer.Schedule}', the metadata says '{entry.Schedule}'",
                (TimerFunction, { TriggerType: "timerTrigger" }) => null,
                (QueueFunction queue, { TriggerType: "queueTrigger" }) when queue.QueueName != entry.QueueName =>
                    $"queue '{queue.QueueName}', the metadata says '{entry.QueueName}'",
                (QueueFunction, { TriggerType: "queueTrigger" }) => null,
                _ => $"another trigger than the metadata's {entry.TriggerType}",
            };
            if (difference is not null)
            {
                problems.Add($"'{function.Name}' has {difference}");
            }
        }

        problems.AddRange(listed.Keys.Select(name => $"{FunctionsMetadata.FileName} lists '{name}', which no method carries"));
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"{FunctionsMetadata.FileName} does not match the functions' attributes (rebuild Bkmark.Functions): " +
                string.Join("; ", problems) + ".");
        }
    }

    private static HttpFunction DescribeHttp(MethodInfo method, string name, HttpTriggerAttribute trigger)
    {
        // As in the real host: no Route means the function name is the route.
        string route = string.IsNullOrWhiteSpace(trigger.Route) ? name : trigger.Route.Trim().Trim('/');
        RoutePattern pattern;
        try
        {
            pattern = RoutePatternFactory.Parse(route);
        }
        catch (RoutePatternException ex)
        {
            throw Invalid(method, name, $"route '{route}' is not a valid route template: {ex.Message}");
        }

        foreach (var parameter in method.GetParameters())
        {
            if (parameter.ParameterType == typeof(HttpRequest) && parameter.GetCustomAttribute<HttpTriggerAttribute>() is not null)
            {
                continue;
            }

            if (parameter.ParameterType == typeof(CancellationToken))
            {
                continue;
            }

            if (pattern.GetParameter(parameter.Name!) is null)
            {
                throw Invalid(method, name,
                    $"parameter '{parameter.Name}' ({parameter.ParameterType.Name}) is neither the HttpRequest trigger, a CancellationToken, " +
                    $"nor a parameter of route '{route}'. HTTP functions take only those (DESIGN.md §1).");
            }

            if (parameter.ParameterType != typeof(string) &&
                !TypeDescriptor.GetConverter(parameter.ParameterType).CanConvertFrom(typeof(string)))
            {
                throw Invalid(method, name, $"route parameter '{parameter.Name}' has type {parameter.ParameterType.Name}, which cannot be converted from a string.");
            }
        }

        var result = FunctionInvoker.GetResultType(method);
        if (result is not null && result != typeof(object) &&
            !typeof(IActionResult).IsAssignableFrom(result) && !typeof(IResult).IsAssignableFrom(result))
        {
            throw Invalid(method, name, $"returns {result.Name}; HTTP functions here return IActionResult or IResult (or nothing).");
        }

        var httpMethods = (trigger.Methods ?? [])
            .Where(m => !string.IsNullOrWhiteSpace(m))
            .Select(m => m.Trim().ToUpperInvariant())
            .Distinct()
            .ToArray();

        return new HttpFunction(name, method, trigger.AuthLevel, httpMethods, route);
    }

    private static TimerFunction DescribeTimer(MethodInfo method, string name, TimerTriggerAttribute trigger)
    {
        RequireOnlyTrigger<TimerTriggerAttribute>(
            method, name, typeof(TimerInfo), "timer functions take only TimerInfo and CancellationToken (DESIGN.md §1).");

        if (string.IsNullOrWhiteSpace(trigger.Schedule))
        {
            throw Invalid(method, name, "[TimerTrigger] needs a schedule.");
        }

        return new TimerFunction(name, method, trigger.Schedule, trigger.RunOnStartup);
    }

    private static QueueFunction DescribeQueue(MethodInfo method, string name, QueueTriggerAttribute trigger)
    {
        // The message as text: what the outbox writes (JSON). Other bindings (POCOs, QueueMessage) would need the worker's converters.
        RequireOnlyTrigger<QueueTriggerAttribute>(
            method, name, typeof(string), "queue functions here take only the message as a string and a CancellationToken.");

        if (string.IsNullOrWhiteSpace(trigger.QueueName))
        {
            throw Invalid(method, name, "[QueueTrigger] needs a queue name.");
        }

        if (FunctionInvoker.GetResultType(method) is not null)
        {
            throw Invalid(method, name, "returns a value; an output binding is not something the local host runs.");
        }

        return new QueueFunction(name, method, trigger.QueueName, string.IsNullOrWhiteSpace(trigger.Connection) ? DefaultConnection : trigger.Connection);
    }

    /// <summary>
    /// A timer or queue function binds its trigger, as <paramref name="triggerType"/>, and a CancellationToken; the
    /// local host binds nothing else, so anything else is refused here rather than failing at the first run.
    /// </summary>
    private static void RequireOnlyTrigger<TTrigger>(MethodInfo method, string name, Type triggerType, string takesOnly)
        where TTrigger : Attribute
    {
        foreach (var parameter in method.GetParameters())
        {
            bool bindable = parameter.ParameterType == typeof(CancellationToken)
                || (parameter.ParameterType == triggerType && parameter.GetCustomAttribute<TTrigger>() is not null);
            if (!bindable)
            {
                throw Invalid(method, name, $"parameter '{parameter.Name}' ({parameter.ParameterType.Name}) is not bindable; {takesOnly}");
            }
        }
    }

    /// <summary>The setting a storage trigger reads its account from when it names none.</summary>
    public const string DefaultConnection = "AzureWebJobsStorage";

    private static InvalidOperationException Invalid(MethodInfo method, string name, string reason) =>
        new($"Function '{name}' ({method.DeclaringType?.FullName}.{method.Name}) cannot be hosted: {reason}");
}

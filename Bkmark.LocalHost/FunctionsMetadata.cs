using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.LocalHost;

/// <summary>
/// One function as <c>functions.metadata</c> lists it: the file the Worker SDK generates into the build
/// output and the real Functions host reads to index the app.
/// </summary>
/// <param name="EntryPoint">The method, as <c>Namespace.Type.Method</c>.</param>
/// <param name="TriggerType">The trigger binding's type: <c>httpTrigger</c>, <c>timerTrigger</c>, ….</param>
/// <param name="HttpMethods">Upper-case; empty for a trigger without methods (every method).</param>
/// <param name="Route">The HTTP route as generated (null when the attribute had none).</param>
/// <param name="Schedule">The timer schedule, <c>%Setting%</c> names unresolved.</param>
/// <param name="QueueName">The queue trigger's queue, <c>%Setting%</c> names unresolved.</param>
internal sealed record FunctionMetadataEntry(
    string Name,
    string EntryPoint,
    string TriggerType,
    AuthorizationLevel? AuthLevel,
    IReadOnlyList<string> HttpMethods,
    string? Route,
    string? Schedule,
    string? QueueName = null);

/// <summary>Reads <c>functions.metadata</c> the way the host does: an array of functions with their bindings.</summary>
internal static class FunctionsMetadata
{
    public const string FileName = "functions.metadata";

    /// <summary>
    /// The entries for <paramref name="assembly"/> from the <c>functions.metadata</c> beside it, or
    /// <see langword="null"/> when the SDK generated none for it (an assembly that is not a Functions app).
    /// </summary>
    public static IReadOnlyList<FunctionMetadataEntry>? ReadFor(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        string directory = Path.GetDirectoryName(assembly.Location) ?? AppContext.BaseDirectory;
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = File.OpenRead(path);
        var entries = Parse(stream, Path.GetFileName(assembly.Location));
        return entries.Count == 0 ? null : entries;
    }

    /// <param name="scriptFile">Only functions whose <c>scriptFile</c> is this file name are returned.</param>
    public static IReadOnlyList<FunctionMetadataEntry> Parse(Stream metadata, string scriptFile)
    {
        using var document = JsonDocument.Parse(metadata);
        var entries = new List<FunctionMetadataEntry>();
        foreach (var function in document.RootElement.EnumerateArray())
        {
            if (!string.Equals(Text(function, "scriptFile"), scriptFile, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string name = Text(function, "name") ?? throw Invalid("a function without a name");
            var trigger = function.GetProperty("bindings").EnumerateArray()
                .SingleOrDefault(b => Text(b, "type")?.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true);
            if (trigger.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"function '{name}' without exactly one trigger binding");
            }

            AuthorizationLevel? authLevel = Text(trigger, "authLevel") is { } level
                ? Enum.Parse<AuthorizationLevel>(level, ignoreCase: true)
                : null;
            string[] methods = trigger.TryGetProperty("methods", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(m => m.GetString()!.Trim().ToUpperInvariant()).Distinct().ToArray()
                : [];

            entries.Add(new FunctionMetadataEntry(
                name,
                Text(function, "entryPoint") ?? throw Invalid($"function '{name}' without an entry point"),
                Text(trigger, "type")!,
                authLevel,
                methods,
                Text(trigger, "route"),
                Text(trigger, "schedule"),
                Text(trigger, "queueName")));
        }

        return entries;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static InvalidOperationException Invalid(string what) =>
        new($"{FileName} lists {what}; rebuild Bkmark.Functions so the Worker SDK regenerates it.");
}

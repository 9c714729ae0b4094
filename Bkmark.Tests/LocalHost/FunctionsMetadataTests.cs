using System.Reflection;
using Bkmark.LocalHost;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.Tests.LocalHost;

/// <summary>The local host's catalog is the SDK-generated functions.metadata, the file the real host indexes.</summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Assembly FunctionsAssembly = Assembly.Load("Bkmark.Functions");

    [Fact]
    public void Metadata_ListsEveryFunction_WithTheTriggerRouteMethodsAndAuthLevelOfItsAttributes()
    {
        // Arrange
        var metadata = FunctionsMetadata.ReadFor(FunctionsAssembly);
        Assert.NotNull(metadata);
        var listed = metadata.ToDictionary(e => e.Name);

        // Act: what the attributes say, read the way the worker's indexer reads them.
        var functions = FunctionsAssembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(x => x.Function is not null)
            .ToList();

        // Assert
        Assert.Equal(functions.Select(f => f.Function!.Name).Order(), listed.Keys.Order());
        foreach (var (method, function) in functions)
        {
            var entry = listed[function!.Name];
            Assert.Equal($"{method.DeclaringType!.FullName}.{method.Name}", entry.EntryPoint);
            var parameters = method.GetParameters();
            if (parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).SingleOrDefault(a => a is not null) is { } http)
            {
                Assert.Equal("httpTrigger", entry.TriggerType);
                Assert.Equal(http.Route, entry.Route);
                Assert.Equal(http.AuthLevel, entry.AuthLevel);
                Assert.Equal((http.Methods ?? []).Select(m => m.ToUpperInvariant()).Order(), entry.HttpMethods.Order());
            }
            else if (parameters.Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()).SingleOrDefault(a => a is not null) is { } queue)
            {
                Assert.Equal("queueTrigger", entry.TriggerType);
                Assert.Equal(queue.QueueName, entry.QueueName);
            }
            else
            {
                var timer = parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).Single(a => a is not null)!;
                Assert.Equal("timerTrigger", entry.TriggerType);
                Assert.Equal(timer.Schedule, entry.Schedule);
            }
        }
    }

    [Fact]
    public void Discover_ServesTheMetadataCatalog_ForBkmarkFunctions()
    {
        // Act
        var catalog = FunctionCatalog.Discover(FunctionsAssembly);

        // Assert
        var metadata = FunctionsMetadata.ReadFor(FunctionsAssembly)!;
        Assert.Equal(
            metadata.Where(e => e.TriggerType == "httpTrigger").Select(e => e.Name).Order(),
            catalog.HttpFunctions.Select(f => f.Name).Order());
        Assert.Equal(
            metadata.Where(e => e.TriggerType == "timerTrigger").Select(e => e.Name).Order(),
            catalog.TimerFunctions.Select(f => f.Name).Order());
        var sendEmail = Assert.Single(catalog.QueueFunctions);
        Assert.Equal("SendEmail", sendEmail.Name);
        Assert.Equal("%Email:OutboxQueue%", sendEmail.QueueName);
        Assert.Equal(sendEmail.QueueName, Assert.Single(metadata, e => e.TriggerType == "queueTrigger").QueueName);
    }

    [Fact]
    public void Discover_RefusesStartUp_WhenMetadataDisagreesWithTheAttributes()
    {
        // Arrange: metadata for the sample functions with one route changed and one function missing.
        var fromAttributes = FunctionCatalog.DiscoverFromAttributes(typeof(SampleFunctions).Assembly);
        var stale = fromAttributes.HttpFunctions
            .Where(f => f.Name != nameof(SampleFunctions.ProtectedSample))
            .Select(f => Entry(f, f.Name == nameof(SampleFunctions.GetSampleItem) ? "samples/old/{id}" : f.Route))
            .Concat(fromAttributes.TimerFunctions.Select(f =>
                new FunctionMetadataEntry(f.Name, $"{f.Method.DeclaringType!.FullName}.{f.Method.Name}", "timerTrigger", null, [], null, f.Schedule)))
            .ToList();

        // Act
        var error = Assert.Throws<InvalidOperationException>(() => FunctionCatalog.Discover(typeof(SampleFunctions).Assembly, stale));

        // Assert
        Assert.Contains($"'{nameof(SampleFunctions.GetSampleItem)}' has route 'samples/items/{{id}}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{nameof(SampleFunctions.ProtectedSample)}' is a function but functions.metadata does not list it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReadsOnlyTheGivenScriptFile_AndUpperCasesMethods()
    {
        // Arrange
        const string Json = """
            [
              { "name": "A", "scriptFile": "App.dll", "entryPoint": "App.F.A", "bindings": [
                { "name": "req", "type": "httpTrigger", "direction": "In", "authLevel": "Function", "methods": ["get", "Post"], "route": "v1/a" },
                { "name": "$return", "type": "http", "direction": "Out" } ] },
              { "name": "B", "scriptFile": "Other.dll", "entryPoint": "Other.F.B", "bindings": [
                { "name": "timer", "type": "timerTrigger", "direction": "In", "schedule": "0 * * * * *" } ] }
            ]
            """;

        // Act
        var entries = FunctionsMetadata.Parse(new MemoryStream(Encoding.UTF8.GetBytes(Json)), "App.dll");

        // Assert
        var entry = Assert.Single(entries);
        Assert.Equal(new FunctionMetadataEntry("A", "App.F.A", "httpTrigger", AuthorizationLevel.Function, entry.HttpMethods, "v1/a", null), entry);
        Assert.Equal(["GET", "POST"], entry.HttpMethods);
    }

    private static FunctionMetadataEntry Entry(HttpFunction function, string route) => new(
        function.Name, $"{function.Method.DeclaringType!.FullName}.{function.Method.Name}", "httpTrigger",
        function.AuthLevel, function.HttpMethods, route, null);
}

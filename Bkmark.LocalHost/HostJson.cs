using System.Text.Json;

namespace Bkmark.LocalHost;

/// <summary>
/// host.json's <c>extensions.queues</c>, with the Functions host's defaults where it says nothing.
/// </summary>
internal sealed class QueueHostOptions
{
    /// <summary>The longest wait between polls of an empty queue; polling backs off to it.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a failed message stays invisible before its next try.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>Tries before a message moves to <c>{queue}-poison</c>.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Messages received (and run in parallel) at once.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary><c>base64</c> (the default) or <c>none</c>.</summary>
    public string MessageEncoding { get; set; } = "base64";
}

/// <summary>
/// Reads the host.json settings the local host needs: <c>extensions.http.routePrefix</c> and
/// <c>extensions.queues</c>. host.json is the real host's file (linked into Bkmark.Functions' output), so
/// both hosts serve the same URLs and poll the same way.
/// </summary>
internal static class HostJson
{
    public const string DefaultRoutePrefix = "api";

    /// <summary>
    /// The app setting prefix that overrides host.json in the real host
    /// (<c>AzureFunctionsJobHost__extensions__queues__maxDequeueCount</c>); tests use it for short timings.
    /// </summary>
    public const string OverridePrefix = "AzureFunctionsJobHost";

    /// <exception cref="InvalidOperationException">A setting is out of the range the host accepts.</exception>
    public static QueueHostOptions ReadQueueOptions(string directory, IConfiguration overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var merged = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(directory, "host.json"), optional: true)
            .AddInMemoryCollection(overrides.GetSection(OverridePrefix).AsEnumerable(makePathsRelative: true))
            .Build();

        var options = new QueueHostOptions();
        merged.GetSection("extensions:queues").Bind(options);
        if (options.MaxDequeueCount < 1 || options.BatchSize is < 1 or > 32 || options.MaxPollingInterval < TimeSpan.FromMilliseconds(100) ||
            options.VisibilityTimeout < TimeSpan.Zero || options.MessageEncoding is not ("base64" or "none"))
        {
            throw new InvalidOperationException(
                "host.json extensions.queues needs maxDequeueCount >= 1, batchSize 1-32, maxPollingInterval >= 00:00:00.100, " +
                "visibilityTimeout >= 0 and messageEncoding 'base64' or 'none'.");
        }

        return options;
    }

    public static string ReadRoutePrefix(string directory)
    {
        string path = Path.Combine(directory, "host.json");
        if (!File.Exists(path))
        {
            return DefaultRoutePrefix;
        }

        using var stream = File.OpenRead(path);
        return ParseRoutePrefix(stream);
    }

    public static string ParseRoutePrefix(Stream hostJson)
    {
        using var document = JsonDocument.Parse(hostJson, new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });

        // The host binds host.json through configuration, which ignores case.
        if (TryGet(document.RootElement, "extensions", out var extensions) &&
            TryGet(extensions, "http", out var http) &&
            TryGet(http, "routePrefix", out var prefix) &&
            prefix.ValueKind == JsonValueKind.String)
        {
            // An empty prefix is legal and means "no prefix".
            return prefix.GetString()!.Trim().Trim('/');
        }

        return DefaultRoutePrefix;
    }

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }
}

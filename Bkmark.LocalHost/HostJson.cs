using System.Text.Json;

namespace Bkmark.LocalHost;

/// <summary>
/// Reads the one host.json setting the local host needs: <c>extensions.http.routePrefix</c>. host.json is
/// the real host's file (linked into Bkmark.Functions' output), so both hosts serve the same URLs.
/// </summary>
internal static class HostJson
{
    public const string DefaultRoutePrefix = "api";

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

using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.OpenApi;

namespace Bkmark.Tests.Http;

/// <summary>
/// docs/openapi.json as a test oracle: parsed with Microsoft.OpenApi (so it is a valid OpenAPI 3.1 document),
/// and each response schema turned into a JSON Schema 2020-12 (JsonSchema.Net) that a real body must satisfy.
/// </summary>
public sealed class OpenApiContract
{
    private const string ComponentsPrefix = "#/components/schemas/";
    private readonly JsonObject document;

    private OpenApiContract(OpenApiDocument parsed, JsonObject document)
    {
        Parsed = parsed;
        this.document = document;
    }

    public OpenApiDocument Parsed { get; }

    /// <summary>Every operation as "METHOD /path", e.g. "GET /v1/me".</summary>
    public IReadOnlySet<string> Operations => Parsed.Paths
        .SelectMany(p => (p.Value.Operations ?? []).Keys.Select(m => $"{m.Method.ToUpperInvariant()} {p.Key}"))
        .ToHashSet(StringComparer.Ordinal);

    /// <exception cref="Xunit.Sdk.XunitException">The text is not a valid OpenAPI 3.1 document.</exception>
    public static OpenApiContract Parse(string json)
    {
        var result = OpenApiDocument.Parse(json, "json");
        var errors = result.Diagnostic?.Errors ?? [];
        Assert.True(errors.Count == 0, "docs/openapi.json is not valid OpenAPI: " + string.Join("; ", errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic!.SpecificationVersion);
        return new OpenApiContract(result.Document!, JsonNode.Parse(json)!.AsObject());
    }

    /// <summary>
    /// Asserts that <paramref name="response"/> is described by the operation: its status (or <c>default</c>)
    /// is listed, with its media type, and the body validates against that schema.
    /// </summary>
    public async Task AssertDescribesAsync(HttpResponseMessage response, string method, string pathTemplate)
    {
        var operation = document["paths"]?[pathTemplate]?[method.ToLowerInvariant()]
            ?? throw Fail($"docs/openapi.json has no {method.ToUpperInvariant()} {pathTemplate}");
        string status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var described = operation["responses"]?[status] ?? operation["responses"]?["default"]
            ?? throw Fail($"{method} {pathTemplate} does not describe a {status} response");
        described = Resolve(described);

        string text = await response.Content.ReadAsStringAsync();
        if (described["content"] is not JsonObject content)
        {
            Assert.True(text.Length == 0, $"{method} {pathTemplate} {status} is described without a body, but has one: {text}");
            return;
        }

        string mediaType = response.Content.Headers.ContentType?.MediaType
            ?? throw Fail($"{method} {pathTemplate} {status} has a body without a Content-Type");
        var schemaNode = content[mediaType]?["schema"]
            ?? throw Fail($"{method} {pathTemplate} {status} does not describe {mediaType}");

        var schema = JsonSchema.FromText(StandaloneSchema(schemaNode), baseUri: new Uri($"https://bkmark.test/openapi/{Guid.NewGuid():N}"));
        using var body = JsonDocument.Parse(text);
        var results = schema.Evaluate(body.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(results.IsValid, $"{method} {pathTemplate} {status} does not match docs/openapi.json:\n{text}\n" + Describe(results));
    }

    private JsonNode Resolve(JsonNode node)
    {
        if (node["$ref"]?.GetValue<string>() is { } reference)
        {
            // "#/components/responses/Problem" → that node.
            var target = reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries)
                .Aggregate((JsonNode?)document, (current, segment) => current?[segment]);
            return target ?? throw Fail($"docs/openapi.json has a dangling $ref {reference}");
        }

        return node;
    }

    /// <summary>The operation's schema with the document's component schemas as <c>$defs</c>.</summary>
    private string StandaloneSchema(JsonNode schemaNode)
    {
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = document["components"]!["schemas"]!.DeepClone(),
            ["allOf"] = new JsonArray(schemaNode.DeepClone()),
        };
        return schema.ToJsonString().Replace(ComponentsPrefix, "#/$defs/", StringComparison.Ordinal);
    }

    private static string Describe(EvaluationResults results) => string.Join('\n',
        (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"  {d.InstanceLocation}: {e.Value}")));

    private static Xunit.Sdk.XunitException Fail(string message) => new(message);
}

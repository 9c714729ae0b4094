using System.Text.Json.Serialization;

namespace Bkmark.Core.Json;

/// <summary>The one JSON shape of the API: camelCase, strict types, UTC times with milliseconds.</summary>
public static class BkmarkJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The wire format of every timestamp: ISO 8601 UTC with milliseconds.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // Strict: "123" is not a number and an unknown casing of a property is not that property.
            NumberHandling = JsonNumberHandling.Strict,
            PropertyNameCaseInsensitive = false,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            RespectNullableAnnotations = true,
            MaxDepth = 32,
        };
        options.Converters.Add(new UtcTimestampConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // Utf8JsonReader only accepts ISO 8601-1:2019 extended profile; anything else is a JsonException → 400.
            if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value))
            {
                throw new JsonException("Expected an ISO 8601 date-time string.");
            }

            return value.ToUniversalTime();
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(FormatTime(value));
    }
}

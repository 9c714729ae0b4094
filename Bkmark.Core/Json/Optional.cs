using System.Text.Json.Serialization;

namespace Bkmark.Core.Json;

/// <summary>
/// A PATCH field: absent (leave it alone) is different from present-and-null (clear it).
/// Plain nullable properties cannot tell the two apart.
/// </summary>
[JsonConverter(typeof(OptionalConverterFactory))]
public readonly struct Optional<T>(T? value)
{

    /// <summary>True when the property was present in the body (even as <c>null</c>).</summary>
    public bool IsSet { get; } = true;

    public T? Value { get; } = value;
}

internal sealed class OptionalConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class OptionalConverter<T> : JsonConverter<Optional<T>>
    {
        // A JSON null must reach Read, so that "field": null counts as present.
        public override bool HandleNull => true;

        // The value's own converter, called directly (not through JsonSerializer) so a type error keeps its path ("$.title").
        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(reader.TokenType == JsonTokenType.Null ? default : ((JsonConverter<T>)options.GetConverter(typeof(T))).Read(ref reader, typeof(T), options));

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Value, options);
    }
}

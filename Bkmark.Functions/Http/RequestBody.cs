using System.Text.Json;
using Bkmark.Core.Json;

namespace Bkmark.Functions.Http;

/// <summary>Reads a JSON request body into a DTO: size-limited, strictly typed, errors naming the field.</summary>
public static class RequestBody
{
    public const int DefaultLimitBytes = 64 * 1024;

    public static Task<Result<T>> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken, int limitBytes = DefaultLimitBytes)
        where T : class =>
        ReadRootAsync<T>(request, JsonValueKind.Object, "A JSON object body is required.", "The body must be a JSON object.", cancellationToken, limitBytes);

    /// <summary>A body that is a JSON array of <typeparamref name="T"/> (a webhook's batch, e.g. a leak report); an entry may be null.</summary>
    public static Task<Result<T?[]>> ReadArrayAsync<T>(HttpRequest request, CancellationToken cancellationToken, int limitBytes = DefaultLimitBytes)
        where T : class =>
        ReadRootAsync<T?[]>(request, JsonValueKind.Array, "A JSON array body is required.", "The body must be a JSON array.", cancellationToken, limitBytes);

    /// <summary>As <see cref="ReadArrayAsync{T}"/> for a body already read (one whose raw bytes were checked first, e.g. against a signature).</summary>
    public static Result<T?[]> ParseArray<T>(byte[] bytes)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return bytes.Length == 0 ? Problems.Validation("body", "A JSON array body is required.") : Parse<T?[]>(bytes, JsonValueKind.Array, "The body must be a JSON array.");
    }

    private static async Task<Result<T>> ReadRootAsync<T>(
        HttpRequest request, JsonValueKind root, string missing, string wrongShape, CancellationToken cancellationToken, int limitBytes)
        where T : class
    {
        var bytes = await ReadBytesAsync(request, limitBytes, cancellationToken);
        if (!bytes.Succeeded)
        {
            return bytes.Problem;
        }

        if (bytes.Value.Length == 0)
        {
            return Problems.Validation("body", missing);
        }

        return Parse<T>(bytes.Value, root, wrongShape);
    }

    /// <summary>As <see cref="ReadAsync{T}"/> for a body the route may go without: an empty body is null, not a 400.</summary>
    public static async Task<Result<T?>> ReadOptionalAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        var bytes = await ReadBytesAsync(request, DefaultLimitBytes, cancellationToken);
        if (!bytes.Succeeded)
        {
            return bytes.Problem;
        }

        if (bytes.Value.Length == 0)
        {
            return (T?)null;
        }

        var parsed = Parse<T>(bytes.Value, JsonValueKind.Object, "The body must be a JSON object.");
        return parsed.Succeeded ? parsed.Value : parsed.Problem;
    }

    private static Result<T> Parse<T>(byte[] bytes, JsonValueKind root, string wrongShape)
        where T : class
    {
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind != root)
            {
                return Problems.Validation("body", wrongShape);
            }

            return document.RootElement.Deserialize<T>(BkmarkJson.Options) ?? (Result<T>)Problems.Validation("body", wrongShape);
        }
        catch (JsonException exception)
        {
            return Problems.Validation(FieldOf(exception.Path), exception.Path is null or "$"
                ? "The body is not valid JSON."
                : "The value has the wrong type or format.");
        }
    }

    /// <summary>Reads the raw body, refusing more than <paramref name="limitBytes"/> with 413 without buffering the rest.</summary>
    public static async Task<Result<byte[]>> ReadBytesAsync(HttpRequest request, int limitBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limitBytes)
        {
            return Problems.PayloadTooLarge(limitBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limitBytes)
            {
                return Problems.PayloadTooLarge(limitBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>"$.scopes[2]" → "scopes"; "$.a.b" → "a.b".</summary>
    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        var bracket = field.IndexOf('[', StringComparison.Ordinal);
        return bracket > 0 ? field[..bracket] : field.Length == 0 ? "body" : field;
    }
}

using System.Globalization;
using System.Text.Json.Serialization;

namespace Bkmark.Functions.Http;

/// <summary>Builds the responses functions return: bodies, and problems mapped to RFC 9457 in this one place.</summary>
public static class ApiResults
{
    public static JsonResponse Ok(object body) => new JsonResponse(200, body);

    public static JsonResponse Created(object body) => new JsonResponse(201, body);

    /// <summary>202: taken on; what follows arrives by email.</summary>
    public static JsonResponse Accepted() => new JsonResponse(202, null);

    public static JsonResponse NoContent() => new JsonResponse(204, null);

    public static IActionResult From<T>(Result<T> result, Func<T, IActionResult> onSuccess) =>
        result.Succeeded ? onSuccess(result.Value) : Problem(result.Problem);

    public static JsonResponse Problem(Problem problem)
    {
        var body = new ProblemBody(problem.Status, problem.Code, problem.Title, problem.Detail)
        {
            Errors = problem.Errors,
            Extensions = problem.Extensions?.ToDictionary(e => e.Key, e => e.Value),
        };
        var response = new JsonResponse(problem.Status, body, "application/problem+json");
        if (problem.RetryAfter is { } retryAfter)
        {
            response.WithHeader("Retry-After", Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        if (problem.Headers is not null)
        {
            foreach (var (name, value) in problem.Headers)
            {
                response.WithHeader(name, value);
            }
        }

        if (BearerChallenge(problem) is { } challenge)
        {
            response.WithHeader("WWW-Authenticate", challenge);
        }

        return response;
    }

    /// <summary>RFC 6750 §3: a challenge on every 401, with <c>invalid_token</c> when a credential was presented.</summary>
    private static string? BearerChallenge(Problem problem) => problem switch
    {
        { Status: 401, Code: ErrorCodes.MissingToken or ErrorCodes.InvalidCredentials or ErrorCodes.TwoFactorRequired or ErrorCodes.InvalidTwoFactorCode } =>
            "Bearer realm=\"bkmark\"",
        { Status: 401 } => $"Bearer realm=\"bkmark\", error=\"invalid_token\", error_description=\"{Quote(problem.Detail)}\"",
        { Status: 403, RequiredScope: { } scope } => $"Bearer realm=\"bkmark\", error=\"insufficient_scope\", scope=\"{scope}\"",
        _ => null,
    };

    private static string Quote(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "'", StringComparison.Ordinal);

    private sealed record ProblemBody(int Status, string Code, string Title, string Detail)
    {
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

        // RFC 9457 §3.2: extension members sit at the top level of the problem object.
        [JsonExtensionData]
        public Dictionary<string, object?>? Extensions { get; init; }
    }
}

using BenchmarkDotNet.Attributes;
using Bkmark.Core.Errors;
using Bkmark.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace Bkmark.Benchmarks.Micro;

/// <summary>
/// The error path: a problem mapped by <see cref="ApiResults.Problem"/> and executed into a response
/// (headers, challenge, problem+json body), as every 401 and 503 is.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ProblemJsonBenchmarks
{
    private readonly Problem invalidToken = Problems.InvalidToken("The access token is not valid.");
    private readonly Problem validation = Problems.Validation(new Dictionary<string, string[]>
    {
        ["email"] = ["Enter a valid email address."],
        ["password"] = ["The password must be 8 to 256 characters."],
    });

    private readonly MemoryStream body = new();

    [Benchmark(Description = "problem+json: 401 INVALID_TOKEN")]
    public Task InvalidToken() => Execute(invalidToken);

    [Benchmark(Description = "problem+json: 400 VALIDATION_FAILED (2 fields)")]
    public Task ValidationFailed() => Execute(validation);

    private Task Execute(Problem problem)
    {
        body.SetLength(0);
        var httpContext = new DefaultHttpContext();
        httpContext.Response.Body = body;
        return ApiResults.Problem(problem).ExecuteResultAsync(new ActionContext(httpContext, new RouteData(), new ActionDescriptor()));
    }
}

using System.Collections.Concurrent;
using Bkmark.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.Tests.LocalHost;

/// <summary>
/// Functions that exist only to exercise the local host: one per binding or result shape the real
/// functions use. Hosted by <see cref="SampleHostFixture"/>, never by Bkmark.Functions.
/// </summary>
public sealed class SampleFunctions(SampleProbe probe)
{
    public const string SecretMessage = "Secret internal detail: table tsecret01";

    [Function(nameof(GetSampleItem))]
    public IActionResult GetSampleItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "samples/items/{id}")] HttpRequest request, string id) =>
        new OkObjectResult(new { id, query = request.Query["q"].ToString() });

    // {ID} vs id: route values bind by name, ignoring case.
    [Function(nameof(CreateSampleItem))]
    public IActionResult CreateSampleItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "samples/items/{ID}")] HttpRequest request, string id) =>
        new CreatedResult($"/api/samples/items/{id}", new { id, created = true });

    [Function(nameof(DeleteSampleItem))]
    public Task DeleteSampleItem(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "samples/items/{id}")] HttpRequest request, string id) =>
        Task.CompletedTask;

    [Function(nameof(AddSampleNumbers))]
    public static ValueTask<IActionResult> AddSampleNumbers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "samples/sum/{a:int}/{b:int}")] HttpRequest request, int a, int b) =>
        ValueTask.FromResult<IActionResult>(new OkObjectResult(new { sum = a + b }));

    // No Route: the function name is the route.
    [Function("SampleEcho")]
    public async Task<IResult> Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        string body = await reader.ReadToEndAsync(cancellationToken);
        return TypedResults.Text(body.ToUpperInvariant(), "text/plain", statusCode: StatusCodes.Status202Accepted);
    }

    [Function(nameof(WaitForSampleCancellation))]
    public async Task<IActionResult> WaitForSampleCancellation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "samples/slow")] HttpRequest request, CancellationToken cancellationToken)
    {
        probe.SlowRequestStarted.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.CancellationObserved.TrySetResult(cancellationToken == request.HttpContext.RequestAborted);
            throw;
        }

        return new OkResult();
    }

    [Function(nameof(ThrowSample))]
    public IActionResult ThrowSample(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "samples/throw")] HttpRequest request)
    {
        request.HttpContext.Response.Headers["X-Set-Before-Throw"] = "yes";
        throw new InvalidOperationException(SecretMessage);
    }

    // A bug behind the app's own error handling: ApiEndpoint answers, not the host.
    [Function(nameof(ThrowBehindApiEndpointSample))]
    public Task<IActionResult> ThrowBehindApiEndpointSample(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "samples/throw-behind-endpoint")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ApiEndpoint.RunAsync(() => throw new InvalidOperationException(SecretMessage), cancellationToken);

    // What a function learns about its client: the connection as the host presents it, and any forwarded header.
    [Function(nameof(SampleClient))]
    public IActionResult SampleClient(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "samples/client")] HttpRequest request) =>
        new OkObjectResult(new
        {
            address = request.HttpContext.Connection.RemoteIpAddress?.ToString(),
            scheme = request.Scheme,
            forwardedHeaders = request.Headers.Keys.Where(k => k.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)).ToArray(),
        });

    [Function(nameof(ProtectedSample))]
    public IActionResult ProtectedSample(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "samples/protected")] HttpRequest request) =>
        new OkObjectResult(new { ok = true });

    [Function(nameof(SampleSweep))]
    public Task SampleSweep([TimerTrigger("%Samples:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        probe.TimerRuns.Enqueue(timer);
        return Task.CompletedTask;
    }

    [Function(nameof(FailingSampleSweep))]
    public Task FailingSampleSweep([TimerTrigger("0 0 * * * *")] TimerInfo timer)
    {
        Interlocked.Increment(ref probe.FailingTimerRuns);
        throw new InvalidOperationException(SecretMessage);
    }
}

/// <summary>What <see cref="SampleFunctions"/> saw; one per host, registered as a singleton.</summary>
public sealed class SampleProbe
{
    public int FailingTimerRuns;

    public TaskCompletionSource SlowRequestStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with whether the token the function got was the request's RequestAborted.</summary>
    public TaskCompletionSource<bool> CancellationObserved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<TimerInfo> TimerRuns { get; } = new();
}

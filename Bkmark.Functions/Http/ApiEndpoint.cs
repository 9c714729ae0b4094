using Bkmark.Core.Storage;

namespace Bkmark.Functions.Http;

/// <summary>
/// Runs a function body, turning a storage outage (or a throttled Cosmos DB, 429) into 503 <c>STORAGE_UNAVAILABLE</c> and any other
/// exception (a bug) into problem+json 500 <c>INTERNAL_ERROR</c>, so no exception reaches the host.
/// </summary>
public static class ApiEndpoint
{
    /// <summary>
    /// Authenticates first (the function says how: any credential, a scope, or a session only); a
    /// failure is answered as its problem, success runs <paramref name="body"/> with the caller, and
    /// whatever it answers carries the headers the credential earned (<see cref="Caller.ResponseHeaders"/>).
    /// </summary>
    public static Task<IActionResult> RunAsync(
        Func<Task<Result<Caller>>> authenticate, Func<Caller, Task<IActionResult>> body, CancellationToken requestAborted) =>
        RunAsync(async () =>
        {
            var caller = await authenticate();
            if (!caller.Succeeded)
            {
                return ApiResults.Problem(caller.Problem);
            }

            var response = await body(caller.Value);
            return caller.Value.ResponseHeaders is { } headers ? new WithHeaders(response, headers) : response;
        }, requestAborted);

    /// <inheritdoc cref="RunAsync(Func{Task{Result{Caller}}}, Func{Caller, Task{IActionResult}}, CancellationToken)"/>
    public static Task<IActionResult> RunAsync(
        Func<Task<Result<Caller>>> authenticate, Func<Caller, IActionResult> body, CancellationToken requestAborted) =>
        RunAsync(authenticate, caller => Task.FromResult(body(caller)), requestAborted);

    /// <summary>
    /// As <see cref="RunAsync(Func{Task{Result{Caller}}}, Func{Caller, Task{IActionResult}}, CancellationToken)"/> for a
    /// route that takes a JSON object body: read only once the caller is known, a body that cannot be read answered
    /// as its problem (400, or 413) without calling <paramref name="body"/>.
    /// </summary>
    public static Task<IActionResult> RunAsync<TRequest>(
        Func<Task<Result<Caller>>> authenticate, HttpRequest request, Func<Caller, TRequest, Task<IActionResult>> body,
        CancellationToken requestAborted)
        where TRequest : class =>
        RunAsync(authenticate, caller => WithBodyAsync<TRequest>(request, input => body(caller, input), requestAborted), requestAborted);

    /// <summary>
    /// A route that authenticates no caller itself (a sign-in, a link from an email, an operator route behind the
    /// function key) and takes a JSON object body; a body that cannot be read is answered as its problem.
    /// </summary>
    public static Task<IActionResult> RunAsync<TRequest>(
        HttpRequest request, Func<TRequest, Task<IActionResult>> body, CancellationToken requestAborted)
        where TRequest : class =>
        RunAsync(() => WithBodyAsync(request, body, requestAborted), requestAborted);

    public static async Task<IActionResult> RunAsync(Func<Task<IActionResult>> body, CancellationToken requestAborted)
    {
        try
        {
            return await body();
        }
        catch (Exception exception) when (StorageFailures.IsOutage(exception, requestAborted))
        {
            return ApiResults.Problem(Problems.StorageUnavailable(StorageFailures.RetryAfterOf(exception)));
        }
        catch (Exception exception) when (!IsForTheHost(exception, requestAborted))
        {
            return new InternalErrorResponse(exception);
        }
    }

    private static async Task<IActionResult> WithBodyAsync<TRequest>(
        HttpRequest request, Func<TRequest, Task<IActionResult>> body, CancellationToken requestAborted)
        where TRequest : class
    {
        var input = await RequestBody.ReadAsync<TRequest>(request, requestAborted);
        return input.Succeeded ? await body(input.Value) : ApiResults.Problem(input.Problem);
    }

    /// <summary>
    /// A cancelled request has nobody to answer, and a body over the host's own size limit is the host's to
    /// refuse (an empty 413 in both hosts); neither is a bug of the app.
    /// </summary>
    private static bool IsForTheHost(Exception exception, CancellationToken requestAborted) =>
        (exception is OperationCanceledException && requestAborted.IsCancellationRequested) || exception is BadHttpRequestException;

    /// <summary>Sets the headers before the response it wraps writes its own, so it may still overrule them.</summary>
    private sealed class WithHeaders(IActionResult response, IReadOnlyDictionary<string, string> headers) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            foreach (var (name, value) in headers)
            {
                context.HttpContext.Response.Headers[name] = value;
            }

            return response.ExecuteResultAsync(context);
        }
    }
}

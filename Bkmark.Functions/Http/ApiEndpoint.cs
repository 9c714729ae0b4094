using Bkmark.Core.Authorization;
using Bkmark.Core.Errors;
using Bkmark.Core.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Bkmark.Functions.Http;

/// <summary>Runs a function body, turning a storage outage into 503 <c>STORAGE_UNAVAILABLE</c> instead of a 500.</summary>
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

    public static async Task<IActionResult> RunAsync(Func<Task<IActionResult>> body, CancellationToken requestAborted)
    {
        try
        {
            return await body();
        }
        catch (Exception exception) when (StorageFailures.IsOutage(exception, requestAborted))
        {
            return ApiResults.Problem(Problems.StorageUnavailable());
        }
    }

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

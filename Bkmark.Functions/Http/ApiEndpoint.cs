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
    /// failure is answered as its problem, success runs <paramref name="body"/> with the caller.
    /// </summary>
    public static Task<IActionResult> RunAsync(
        Func<Task<Result<Caller>>> authenticate, Func<Caller, Task<IActionResult>> body, CancellationToken requestAborted) =>
        RunAsync(async () =>
        {
            var caller = await authenticate();
            return caller.Succeeded ? await body(caller.Value) : ApiResults.Problem(caller.Problem);
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
}

using Bkmark.Core.Errors;
using Bkmark.Core.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Bkmark.Functions.Http;

/// <summary>Runs a function body, turning a storage outage into 503 <c>STORAGE_UNAVAILABLE</c> instead of a 500.</summary>
public static class ApiEndpoint
{
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

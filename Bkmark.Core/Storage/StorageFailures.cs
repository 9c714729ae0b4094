using Azure;

namespace Bkmark.Core.Storage;

/// <summary>Classifies storage exceptions: lost races and absent entities are outcomes; the rest is an outage.</summary>
public static class StorageFailures
{
    public static bool IsPreconditionFailed(this RequestFailedException exception) => exception.Status == 412;

    /// <summary>The entity is not there. A missing <em>table</em> is not that: it is an outage (see <see cref="IsOutage"/>).</summary>
    public static bool IsNotFound(this RequestFailedException exception) => exception.Status == 404 && !IsTableMissing(exception);

    private static bool IsTableMissing(RequestFailedException exception) => exception.ErrorCode == "TableNotFound";

    public static bool IsConflict(this RequestFailedException exception) => exception.Status == 409;

    /// <summary>
    /// True when storage could not be reached or failed on its side: the request should answer 503, not 500.
    /// Status 0 is the SDK's "no response" (connection refused, DNS, timeout after retries).
    /// </summary>
    public static bool IsOutage(Exception exception, CancellationToken requestAborted)
    {
        return exception switch
        {
            RequestFailedException failed => failed.Status == 0 || failed.Status >= 500 || failed.Status == 408 || IsThrottled(failed)
                // Tables are created at start-up; missing ones mean storage was down (or wiped) since.
                || IsTableMissing(failed),
            AggregateException aggregate => aggregate.InnerExceptions.All(inner => IsOutage(inner, requestAborted)),
            HttpRequestException => true,
            // The SDK's own network timeout surfaces as a cancellation the caller did not ask for.
            OperationCanceledException => !requestAborted.IsCancellationRequested,
            _ => false,
        };
    }

    /// <summary>
    /// How long storage asked to be left alone, when it said: Cosmos DB's <c>x-ms-retry-after-ms</c>, else a
    /// <c>Retry-After</c> in seconds. The SDK has already retried within the request's budget by then.
    /// </summary>
    public static TimeSpan? RetryAfterOf(Exception exception)
    {
        if (exception is not RequestFailedException failed || failed.GetRawResponse() is not { } response)
        {
            return null;
        }

        if (response.Headers.TryGetValue("x-ms-retry-after-ms", out var milliseconds)
            && double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var wait) && wait > 0)
        {
            return TimeSpan.FromMilliseconds(wait);
        }

        return response.Headers.TryGetValue("Retry-After", out var seconds)
            && int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var delay) && delay > 0
            ? TimeSpan.FromSeconds(delay)
            : null;
    }

    /// <summary>
    /// Storage refusing for load, not failing: Cosmos DB for Table answers 429 when a partition's request units are
    /// spent (Azure Storage says 503 ServerBusy, already an outage). The client should come back later, as for an outage.
    /// </summary>
    private static bool IsThrottled(RequestFailedException failed) => failed.Status == 429;
}

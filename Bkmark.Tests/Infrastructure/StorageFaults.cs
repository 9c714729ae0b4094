using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Bkmark.Tests.Infrastructure;

/// <summary>
/// Storage going wrong on purpose (registered as an <see cref="HttpPipelinePolicy"/>): a request that
/// matches <see cref="FailWhen"/> fails with <see cref="Status"/> (a 503 unless told; a 412 loses every ETag race), and <see cref="CancelAfter"/> cancels a token
/// once N requests have been sent, like a host stopping a function half-way.
/// </summary>
public sealed class StorageFaults : HttpPipelineSynchronousPolicy
{
    private int untilCancel = int.MaxValue;
    private CancellationTokenSource? cancel;

    /// <summary>Requests (method, URI) to fail. Null: none.</summary>
    public Func<string, Uri, bool>? FailWhen { get; set; }

    /// <summary>The status a failed request answers with.</summary>
    public int Status { get; set; } = 503;

    /// <summary>Cancels <paramref name="source"/> when the <paramref name="requests"/>-th request from now is sent.</summary>
    public void CancelAfter(int requests, CancellationTokenSource source)
    {
        cancel = source;
        Volatile.Write(ref untilCancel, requests);
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        if (Interlocked.Decrement(ref untilCancel) == 0)
        {
            cancel?.Cancel();
        }

        if (FailWhen?.Invoke(message.Request.Method.ToString(), message.Request.Uri.ToUri()) == true)
        {
            throw new RequestFailedException(Status, "Injected storage fault.");
        }
    }
}

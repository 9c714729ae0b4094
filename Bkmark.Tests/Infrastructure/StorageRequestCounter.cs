using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Bkmark.Tests.Infrastructure;

/// <summary>
/// Records every request the Table Storage client sends (registered as an <see cref="HttpPipelinePolicy"/>,
/// which AddBkmark adds to the client), so tests can assert what a code path costs in storage calls.
/// </summary>
public sealed class StorageRequestCounter : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<StorageRequest> requests = new();

    public IReadOnlyList<StorageRequest> Requests => requests.ToArray();

    public void Clear() => requests.Clear();

    public override void OnSendingRequest(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        // The outbox's queue trigger sends in the background (a registration's verification email, say) and records
        // each delivery: its requests land in whatever window a test measures, but belong to no request path.
        if (!uri.AbsolutePath.Split('/')[^1].Split('(')[0].EndsWith(TableNames.EmailDeliveries, StringComparison.Ordinal))
        {
            requests.Enqueue(new StorageRequest(message.Request.Method.ToString(), uri));
        }
    }
}

/// <summary>One storage request. A point read is a GET of <c>Table(PartitionKey='…',RowKey='…')</c>; a query has no keys in its path.</summary>
public sealed record StorageRequest(string Method, Uri Uri)
{
    public bool IsPointRead => Method == "GET" && Uri.AbsolutePath.Contains("(PartitionKey=", StringComparison.Ordinal)
        && Uri.AbsolutePath.Contains("RowKey=", StringComparison.Ordinal);

    public bool IsQuery => Method == "GET" && !IsPointRead;

    public bool IsWrite => Method != "GET";

    /// <summary>An entity group transaction: one request, up to 100 writes to one partition.</summary>
    public bool IsBatch => Method == "POST" && Uri.AbsolutePath.EndsWith("/$batch", StringComparison.Ordinal);
}

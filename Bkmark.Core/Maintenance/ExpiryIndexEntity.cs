using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;

namespace Bkmark.Core.Maintenance;

/// <summary>
/// "Something may need deleting at <see cref="DueAt"/>". PartitionKey = the time bucket
/// (<see cref="ExpiryIndex.BucketOf"/>), RowKey = <c>{kind}|{target PartitionKey}|{target RowKey}</c>,
/// so scheduling the same target into the same bucket twice is one entry. Derived data: the target
/// entity is the authority, and an entry pointing at something gone or still live is harmless.
/// </summary>
public sealed class ExpiryIndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>Which <see cref="IExpiryHandler"/> deals with it.</summary>
    public string Kind { get; set; } = "";

    public string TargetPartition { get; set; } = "";
    public string TargetRow { get; set; } = "";
    public DateTimeOffset DueAt { get; set; }

    [IgnoreDataMember]
    public ExpiryTarget Target => new(Kind, TargetPartition, TargetRow);
}

/// <summary>The sweep's progress: every bucket before <see cref="NextBucket"/> has been fully handled.</summary>
public sealed class SweepCheckpointEntity : ITableEntity
{
    public const string SweepPartition = "expiry-sweep";
    public const string CheckpointRow = "checkpoint";

    public string PartitionKey { get; set; } = SweepPartition;
    public string RowKey { get; set; } = CheckpointRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string NextBucket { get; set; } = "";
}

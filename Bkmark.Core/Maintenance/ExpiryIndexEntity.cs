using System.Runtime.Serialization;

namespace Bkmark.Core.Maintenance;

/// <summary>
/// "Something may need deleting at <see cref="DueAt"/>". PartitionKey = the time bucket
/// (<see cref="ExpiryIndex.BucketOf"/>), RowKey = <c>{kind}|{target PartitionKey}|{target RowKey}</c>,
/// so scheduling the same target into the same bucket twice is one entry. Derived data: the target
/// entity is the authority, and an entry pointing at something gone or still live is harmless.
/// </summary>
internal sealed class ExpiryIndexEntity : StoredEntity
{
    /// <summary>Which <see cref="IExpiryHandler"/> deals with it.</summary>
    public string Kind { get; set; } = "";

    public string TargetPartition { get; set; } = "";
    public string TargetRow { get; set; } = "";
    public DateTimeOffset DueAt { get; set; }

    [IgnoreDataMember]
    public ExpiryTarget Target => new(Kind, TargetPartition, TargetRow);
}

/// <summary>The sweep's progress: every bucket before <see cref="NextBucket"/> has been fully handled.</summary>
internal sealed class SweepCheckpointEntity : StoredEntity
{
    public const string SweepPartition = "expiry-sweep";
    public const string CheckpointRow = "checkpoint";

    public SweepCheckpointEntity()
    {
        PartitionKey = SweepPartition;
        RowKey = CheckpointRow;
    }

    public string NextBucket { get; set; } = "";
}

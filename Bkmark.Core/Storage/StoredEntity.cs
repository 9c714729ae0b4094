using Azure;

namespace Bkmark.Core.Storage;

/// <summary>
/// The keys and concurrency stamp every Table Storage entity carries. Entities derive from this and
/// declare only their own properties; the SDK reads and writes inherited public properties alike.
/// </summary>
internal abstract class StoredEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The version read; every read-modify-write sends it as If-Match.</summary>
    public ETag ETag { get; set; }
}

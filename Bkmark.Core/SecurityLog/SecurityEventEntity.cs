namespace Bkmark.Core.SecurityLog;

/// <summary>
/// One security event. PartitionKey = user id; RowKey = <c>{inverted ticks:D19}-{id}</c>, so a partition
/// query reads newest first and a day's events are one RowKey range (what the retention sweep deletes).
/// </summary>
internal sealed class SecurityEventEntity : StoredEntity
{
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public string? SessionId { get; set; }

    /// <summary>JSON object of strings; never a secret (a key's prefix, a passkey's name at most).</summary>
    public string? Details { get; set; }

    /// <summary>For folded events: how many attempts the minute saw. 1 for the rest.</summary>
    public int Count { get; set; } = 1;

    private const int TickDigits = 19;

    /// <summary>The RowKey prefix of events at <paramref name="at"/>: later times sort first.</summary>
    public static string TimePrefixOf(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D" + TickDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string RowKeyOf(DateTimeOffset at, string id) => $"{TimePrefixOf(at)}-{id}";

    /// <summary>Whether <paramref name="rowKey"/> has the shape of an event's RowKey (cursors carry one).</summary>
    public static bool IsRowKey(string rowKey) =>
        rowKey.Length == TickDigits + 1 + 26 && rowKey[TickDigits] == '-' && !rowKey.AsSpan(0, TickDigits).ContainsAnyExceptInRange('0', '9')
        && Credentials.IdGenerator.IsValid(rowKey[(TickDigits + 1)..]);

    /// <summary>Upper bound (exclusive) of the RowKeys of events at or after <paramref name="at"/>.</summary>
    public static string NotBefore(DateTimeOffset at) => TimePrefixOf(at) + "~";
}

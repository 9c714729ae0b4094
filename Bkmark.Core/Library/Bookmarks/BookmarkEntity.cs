using System.Runtime.Serialization;

namespace Bkmark.Core.Library.Bookmarks;

/// <summary>
/// A bookmark in the user's library partition (table <c>Library</c>, PartitionKey = user id).
/// RowKey = <c>b-</c> + the id with every ULID digit inverted, so one ascending partition query
/// reads newest first and the RowKey still follows from the id for a point read.
/// </summary>
internal sealed class BookmarkEntity : StoredEntity
{
    public const string RowKeyPrefix = "b-";

    /// <summary>The first RowKey after every bookmark ('.' follows '-').</summary>
    public const string RowKeyEnd = "b.";

    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public string Id { get; set; } = "";
    public string Url { get; set; } = "";
    public string Title { get; set; } = "";
    public string Notes { get; set; } = "";

    /// <summary>Normalised tags joined by ',' (a tag never holds a comma: the Netscape TAGS attribute could not carry it).</summary>
    public string Tags { get; set; } = "";
    public string? GroupId { get; set; }
    public bool Favorite { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set while the bookmark is in the trash; <see cref="Trashed"/> mirrors it for server-side filters.</summary>
    public DateTimeOffset? TrashedAt { get; set; }
    public bool Trashed { get; set; }

    [IgnoreDataMember]
    public IReadOnlyList<string> TagList
    {
        get => Tags.Length == 0 ? [] : Tags.Split(',');
        set => Tags = string.Join(',', value);
    }

    public static string RowKeyOf(string id) =>
        RowKeyPrefix + string.Create(id.Length, id, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = Crockford[Crockford.Length - 1 - Crockford.IndexOf(char.ToUpperInvariant(source[i]), StringComparison.Ordinal)];
            }
        });

    /// <summary>True for a RowKey this class could have produced (used to validate cursors).</summary>
    public static bool IsRowKey(string rowKey) =>
        rowKey.Length == RowKeyPrefix.Length + 26
        && rowKey.StartsWith(RowKeyPrefix, StringComparison.Ordinal)
        && rowKey.AsSpan(RowKeyPrefix.Length).IndexOfAnyExcept(Crockford) < 0;
}

/// <summary>
/// URL → bookmark, in the same partition: RowKey = <c>u-</c> + SHA-256 of the canonical URL. Written in
/// the same transaction as its bookmark, so a URL is bookmarked once per user even under concurrent
/// imports (the second insert conflicts), and the index can never drift from the bookmarks.
/// </summary>
internal sealed class UrlIndexEntity : StoredEntity
{
    public const string RowKeyPrefix = "u-";

    public string BookmarkId { get; set; } = "";

    public static string RowKeyOf(string url) =>
        RowKeyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(BookmarkRules.CanonicalUrl(url))));
}

/// <summary>
/// How many bookmarks the library holds or has reserved room for (<see cref="LibraryCapacity"/>), one per
/// user in the library partition. RowKey <c>ledger</c> sorts outside the bookmark, URL and group ranges.
/// </summary>
internal sealed class LibraryLedgerEntity : StoredEntity
{
    public const string LedgerRowKey = "ledger";

    public LibraryLedgerEntity() => RowKey = LedgerRowKey;

    public int Count { get; set; }

    /// <summary>JSON <c>{unixSecond: count}</c> of reservations still inside the write grace period.</summary>
    public string Recent { get; set; } = "";
}

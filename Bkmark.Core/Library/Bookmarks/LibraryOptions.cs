using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Library.Bookmarks;

/// <summary>Library limits. Settings: <c>Library__MaxBookmarks</c>, <c>Library__PageSize</c>, <c>Library__WriteGracePeriod</c>.</summary>
public sealed class LibraryOptions
{
    public const string Section = "Library";

    /// <summary>
    /// The most bookmarks one library holds, the trash included (DESIGN §7: cost is bounded by input, so a
    /// library is too). Creating or importing beyond it is 409 <c>LIBRARY_FULL</c>.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxBookmarks { get; set; } = 100_000;

    /// <summary>
    /// Bookmarks read per storage request when search or export walks the library; the most either holds at
    /// once. 1,000 is the most Table Storage returns in one page.
    /// </summary>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 1000;

    /// <summary>
    /// How long a reservation may take to become bookmarks. Reservations younger than this keep counting
    /// when the ledger is recounted, since their bookmarks may not be written yet.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan WriteGracePeriod { get; set; } = TimeSpan.FromMinutes(2);
}

using Bkmark.Core.Json;

namespace Bkmark.Core.Library.Bookmarks;

/// <summary>
/// Holds a library to <see cref="LibraryOptions.MaxBookmarks"/> under concurrent creates and imports. A
/// create or import reserves room in the library's ledger (<see cref="LibraryLedgerEntity"/>) with the ledger's
/// ETag <em>before</em> writing a bookmark, and gives back what it did not write; a permanent delete gives
/// room back after deleting.
/// </summary>
/// <remarks>
/// Like the API-key ledger, it can only over-count (a request that crashed between reserving and writing,
/// or between deleting and giving back), so when it says "full" it is recounted from the bookmarks before
/// anything is refused. Reservations younger than <see cref="LibraryOptions.WriteGracePeriod"/> keep counting
/// in a recount, since their bookmarks may still be on the way: near the limit a library may be refused a
/// little early for a moment, never let past it. A library stored before the ledger existed is counted once
/// when it first needs one.
/// </remarks>
internal sealed partial class LibraryCapacity(
    BookmarkStore store, TimeProvider time, IOptions<LibraryOptions> options, ILogger<LibraryCapacity> logger)
{
    private readonly LibraryOptions options = options.Value;

    /// <summary>Reserves room for <paramref name="count"/> bookmarks; 409 <c>LIBRARY_FULL</c> when they do not fit.</summary>
    public async Task<Problem?> ReserveAsync(string libraryId, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return null;
        }

        // The ledger is one row every concurrent create in the library writes: each round of its race has one winner.
        var reserved = await OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var now = time.GetUtcNow();
            var ledger = await store.FindLedgerAsync(libraryId, cancellationToken)
                ?? new LibraryLedgerEntity { PartitionKey = libraryId, Count = await store.CountBookmarksAsync(libraryId, cancellationToken) };
            var recent = RecentReservations(ledger, now);
            if (ledger.Count + count > options.MaxBookmarks)
            {
                var recounted = await store.CountBookmarksAsync(libraryId, cancellationToken) + recent.Values.Sum();
                if (recounted < ledger.Count)
                {
                    LogLedgerRepaired(logger, libraryId, ledger.Count, recounted);
                    ledger.Count = recounted;
                }

                if (ledger.Count + count > options.MaxBookmarks)
                {
                    return LibraryFull(options.MaxBookmarks, ledger.Count, count);
                }
            }

            var second = now.ToUnixTimeSeconds();
            recent[second] = recent.GetValueOrDefault(second) + count;
            ledger.Count += count;
            ledger.Recent = JsonSerializer.Serialize(recent, BkmarkJson.Options);
            return await store.TryWriteLedgerAsync(ledger, cancellationToken) ? true : RaceAttempt.Lost;
        }, OptimisticConcurrency.HotRowAttempts);
        return reserved.Succeeded ? null : reserved.Problem;
    }

    /// <summary>Gives back room for bookmarks reserved but not written, or deleted for good. If this keeps losing races the ledger over-counts until a recount.</summary>
    public async Task ReleaseAsync(string libraryId, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return;
        }

        await OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var ledger = await store.FindLedgerAsync(libraryId, cancellationToken);
            if (ledger is null)
            {
                // Never reserved through a ledger (a library from before it): the first reservation counts it.
                return false;
            }

            ledger.Count = Math.Max(0, ledger.Count - count);
            return await store.TryWriteLedgerAsync(ledger, cancellationToken) ? true : RaceAttempt.Lost;
        }, OptimisticConcurrency.HotRowAttempts);
    }

    /// <summary>Reservations (by second) still inside the grace period; older ones are written or never will be.</summary>
    private Dictionary<long, int> RecentReservations(LibraryLedgerEntity ledger, DateTimeOffset now)
    {
        var oldest = (now - options.WriteGracePeriod).ToUnixTimeSeconds();
        var all = string.IsNullOrEmpty(ledger.Recent) ? [] : JsonSerializer.Deserialize<Dictionary<long, int>>(ledger.Recent, BkmarkJson.Options) ?? [];
        return all.Where(entry => entry.Key >= oldest).ToDictionary();
    }

    private static Problem LibraryFull(int max, int held, int asked) => new(ErrorCodes.LibraryFull, asked == 1
        ? $"Your library holds its limit of {max.ToString("N0", CultureInfo.InvariantCulture)} bookmarks (the trash included). Delete some for good to add more."
        : $"Your library holds {held.ToString("N0", CultureInfo.InvariantCulture)} of at most {max.ToString("N0", CultureInfo.InvariantCulture)} bookmarks (the trash included); these {asked.ToString("N0", CultureInfo.InvariantCulture)} do not fit, so none were added.");

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Library ledger {LibraryId} recounted from {Before} to {After}")]
    private static partial void LogLedgerRepaired(ILogger logger, string libraryId, int before, int after);
}

using System.Runtime.CompilerServices;
using Bkmark.Core.Library.Bookmarks;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Lifecycle;

/// <summary>
/// Erases a library nobody can reach any more, a bounded batch per sweep run: the sandbox of a deleted account, and
/// the library of an organisation deleted with its only member (DESIGN.md §14, deleted means gone). The target's
/// partition key is the library's id.
/// </summary>
internal sealed class LibraryEraseHandler(BookmarkService library, TimeProvider time, IOptions<LifecycleOptions> options) : IExpiryHandler
{
    public const string KindName = "library-erase";

    public string Kind => KindName;

    public async Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return await library.EraseLibraryAsync(target.PartitionKey, options.Value.EraseBatchSize, cancellationToken)
            ? new ExpiryOutcome.Deleted()
            : new ExpiryOutcome.Later(time.GetUtcNow());
    }

    // Every erase is scheduled before the library becomes unreachable, so there is nothing to find again.
    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }
}

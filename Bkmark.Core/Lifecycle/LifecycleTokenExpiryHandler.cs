using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Lifecycle;

/// <summary>
/// Sweeps link tokens once they expire, used or not. Their expiry is fixed, so an entry is never re-scheduled; a
/// use written at the very end of a token's life makes the delete read it again and decide anew.
/// </summary>
internal sealed class LifecycleTokenExpiryHandler(LifecycleTokenStore store)
    : FixedExpiryHandler<LifecycleTokenEntity>(store.Sweepable, KindName)
{
    public const string KindName = "lifecycle-token";
}

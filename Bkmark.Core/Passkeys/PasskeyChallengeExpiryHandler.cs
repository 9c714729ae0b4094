using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Passkeys;

/// <summary>
/// Sweeps ceremony challenges nobody answered (an answered one deletes itself). Scheduled when the
/// challenge is stored; its expiry is fixed, so the entry is never re-scheduled.
/// </summary>
internal sealed class PasskeyChallengeExpiryHandler(PasskeyChallengeStore store)
    : FixedExpiryHandler<PasskeyChallengeEntity>(store.Sweepable, KindName)
{
    public const string KindName = "passkey-challenge";
}

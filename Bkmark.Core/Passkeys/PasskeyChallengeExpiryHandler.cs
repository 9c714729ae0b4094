using Bkmark.Core.Maintenance;
using Bkmark.Core.Storage;

namespace Bkmark.Core.Passkeys;

/// <summary>
/// Sweeps ceremony challenges nobody answered (an answered one deletes itself). Scheduled when the
/// challenge is stored; its expiry is fixed, so the entry is never re-scheduled.
/// </summary>
public sealed class PasskeyChallengeExpiryHandler(BkmarkTables tables)
    : EntityExpiryHandler<PasskeyChallengeEntity>(tables, KindName, TableNames.PasskeyChallenges)
{
    public const string KindName = "passkey-challenge";

    protected override DateTimeOffset? DeletableAt(PasskeyChallengeEntity entity) => entity.ExpiresAt;
}

using System.Runtime.CompilerServices;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Storage;

namespace Bkmark.Core.Passkeys;

/// <summary>
/// Sweeps ceremony challenges nobody answered (an answered one deletes itself). Scheduled when the
/// challenge is stored; its expiry is fixed, so the entry is never re-scheduled.
/// </summary>
public sealed class PasskeyChallengeExpiryHandler(BkmarkTables tables) : IExpiryHandler
{
    public const string KindName = "passkey-challenge";

    public string Kind => KindName;

    public Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken) =>
        ConditionalExpiry.ExpireAsync<PasskeyChallengeEntity>(
            tables[TableNames.PasskeyChallenges], target, now, challenge => challenge.ExpiresAt, deleteDependents: null, cancellationToken);

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var challenge in tables[TableNames.PasskeyChallenges].QueryAsync<PasskeyChallengeEntity>(cancellationToken: cancellationToken))
        {
            yield return new ScheduledExpiry(new ExpiryTarget(KindName, challenge.PartitionKey, challenge.RowKey), challenge.ExpiresAt);
        }
    }
}

using System.Runtime.CompilerServices;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Lifecycle;

/// <summary>Sweeps link tokens once they expire, used or not. Their expiry is fixed, so an entry is never re-scheduled.</summary>
internal sealed class LifecycleTokenExpiryHandler(LifecycleTokenStore store) : IExpiryHandler
{
    public const string KindName = "lifecycle-token";

    public string Kind => KindName;

    public async Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var token = await store.FindAsync(target.PartitionKey, target.RowKey, cancellationToken);
        if (token is null)
        {
            return ExpiryOutcome.Nothing;
        }

        if (token.ExpiresAt > now)
        {
            return new ExpiryOutcome.Later(token.ExpiresAt);
        }

        // Changed means a use was being written at the very end of its life: the next sweep decides again.
        return ExpiryOutcome.Of(await store.TryDeleteAsync(token, cancellationToken));
    }

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var token in store.ScanAsync(cancellationToken))
        {
            yield return new ScheduledExpiry(new ExpiryTarget(KindName, token.PartitionKey, token.RowKey), token.ExpiresAt);
        }
    }
}

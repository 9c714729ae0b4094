using System.Runtime.CompilerServices;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Sweeps API keys <see cref="ApiKeyOptions.RetentionDays"/> after they were revoked or expired (credential
/// and index entry), and index entries whose create crashed before writing the credential. The target is
/// the key's index entry, which points at the credential.
/// </summary>
/// <remarks>
/// Scheduled at create (due when the create grace period ends, to catch the crash) and at revoke. When the
/// create's entry comes due the handler re-schedules it to the key's expiry plus retention, or drops it
/// for a key that does not expire. The credential is deleted before the index entry: a crash in between
/// leaves an entry without a credential, which the next run (or a listing) removes as an orphan.
/// </remarks>
internal sealed class ApiKeyExpiryHandler(ApiKeyStore store, IOptions<ApiKeyOptions> options) : IExpiryHandler
{
    public const string KindName = "apikey";

    public string Kind => KindName;

    public async Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return await ExpiryOutcome.RaceAsync(async () =>
        {
            var index = await store.FindIndexAsync(target.PartitionKey, target.RowKey, cancellationToken);
            if (index is null)
            {
                return ExpiryOutcome.Nothing;
            }

            var credential = await store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, cancellationToken);
            if (DeletableAt(index, credential) is not { } due)
            {
                return ExpiryOutcome.Nothing;
            }

            if (due > now)
            {
                return new ExpiryOutcome.Later(due);
            }

            var deleted = 0;
            if (credential is not null)
            {
                var outcome = await store.TryDeleteCredentialAsync(credential, cancellationToken);
                if (outcome == DeleteOutcome.Changed)
                {
                    // Changed since read (its scopes): decide again.
                    return RaceAttempt.Lost;
                }

                deleted += outcome == DeleteOutcome.Deleted ? 1 : 0;
            }

            if (await store.DeleteIndexIfExistsAsync(index, cancellationToken))
            {
                deleted++;
            }

            return deleted > 0 ? new ExpiryOutcome.Deleted(deleted) : ExpiryOutcome.Nothing;
        });
    }

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var index in store.ScanIndexAsync(cancellationToken))
        {
            // The handler works out the real deadline from the credential when this comes due.
            yield return new ScheduledExpiry(new ExpiryTarget(KindName, index.PartitionKey, index.RowKey), index.CreatedAt + options.Value.CreateGracePeriod);
        }
    }

    /// <summary>Revoked or expired: after retention. No credential: once its create is surely over. Live without expiry: never.</summary>
    private DateTimeOffset? DeletableAt(ApiKeyIndexEntity index, ApiKeyCredentialEntity? credential) =>
        credential is null
            ? index.CreatedAt + options.Value.CreateGracePeriod
            : (credential.RevokedAt ?? credential.ExpiresAt) is { } ended ? ExpiryIndex.Deadline(ended, options.Value.Retention) : null;
}

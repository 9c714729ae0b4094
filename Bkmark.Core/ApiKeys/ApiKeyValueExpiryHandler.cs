using System.Runtime.CompilerServices;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Sweeps the values a roll left behind (DESIGN §10). The target is one credential, not the key: the previous
/// value has its own end (<see cref="ApiKeyCredentialEntity.RetiresAt"/>) and is deleted
/// <see cref="ApiKeyOptions.RetentionDays"/> after it, answering <c>TOKEN_REVOKED</c> until then.
/// </summary>
/// <remarks>
/// A roll schedules its old value (due when its grace ends) and its new one (due when the roll is surely over)
/// before writing anything, so the handler also finishes a roll that stopped half-way, by what the key's index
/// entry says: the value it names as previous ends when the index says; a value it no longer names (a lost or
/// abandoned roll's, or an older one whose retirement was cut short) ends now; the current value is the key's
/// own <see cref="ApiKeyExpiryHandler"/>'s.
/// </remarks>
internal sealed class ApiKeyValueExpiryHandler(ApiKeyStore store, IOptions<ApiKeyOptions> options) : IExpiryHandler
{
    public const string KindName = "apikey-value";

    public string Kind => KindName;

    public static ExpiryTarget TargetOf(ApiKeyCredentialEntity credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new ExpiryTarget(KindName, credential.PartitionKey, credential.RowKey);
    }

    public async Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        return await ExpiryOutcome.RaceAsync(async () =>
        {
            var credential = await store.FindCredentialAsync(target.PartitionKey, target.RowKey, cancellationToken);
            if (credential is null)
            {
                return ExpiryOutcome.Nothing;
            }

            var ended = credential.RevokedAt ?? credential.RetiresAt;
            if (ended is null)
            {
                var index = await store.FindIndexAsync(credential.OwnerId, credential.KeyId, cancellationToken);
                if (index is not null && index.CredentialPartition == credential.PartitionKey && index.CredentialRow == credential.RowKey)
                {
                    return ExpiryOutcome.Nothing;
                }

                ended = index is not null && index.PreviousCredentialPartition == credential.PartitionKey && index.PreviousCredentialRow == credential.RowKey
                    ? index.PreviousExpiresAt ?? now
                    : now;
                credential.RetiresAt = ended;
                if (!await store.TryReplaceCredentialAsync(credential, cancellationToken))
                {
                    return RaceAttempt.Lost;
                }
            }

            var due = ExpiryIndex.Deadline(ended.Value, options.Value.Retention);
            if (due > now)
            {
                return new ExpiryOutcome.Later(due);
            }

            return await store.TryDeleteCredentialAsync(credential, cancellationToken) switch
            {
                DeleteOutcome.Deleted => ExpiryOutcome.Done,
                DeleteOutcome.Changed => RaceAttempt.Lost,
                _ => ExpiryOutcome.Nothing,
            };
        });
    }

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var index in store.ScanIndexAsync(cancellationToken))
        {
            if (index is { PreviousCredentialPartition: { } partition, PreviousCredentialRow: { } row, PreviousExpiresAt: { } endsAt })
            {
                yield return new ScheduledExpiry(new ExpiryTarget(KindName, partition, row), endsAt);
            }
        }
    }
}

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// A key as its owner's partition holds it: the index entry and the credential (the authority), read together and
/// changed together. What key management, the roll, the ledger and plan changes share.
/// </summary>
internal sealed partial class LiveApiKeys(ApiKeyStore store, TimeProvider time, IOptions<ApiKeyOptions> options, ILogger<LiveApiKeys> logger)
{
    /// <summary>The key's index entry and current credential, if neither is revoked; null otherwise (or for an id that cannot be a key's).</summary>
    public async Task<(ApiKeyIndexEntity Index, ApiKeyCredentialEntity Credential)?> FindAsync(
        string ownerId, string keyId, CancellationToken cancellationToken)
    {
        var index = IdGenerator.IsValid(keyId) ? await store.FindIndexAsync(ownerId, keyId, cancellationToken) : null;
        if (index is null || index.RevokedAt is not null)
        {
            return null;
        }

        var credential = await store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, cancellationToken);
        return credential is null || credential.RevokedAt is not null ? null : (index, credential);
    }

    /// <summary>
    /// The owner's index entries whose credential exists and is not revoked. Repairs on the way: an
    /// entry whose credential was never written is deleted once its create is surely over, and an
    /// entry whose credential was revoked by a revoke that stopped half-way is marked revoked.
    /// </summary>
    public async Task<IReadOnlyList<(ApiKeyIndexEntity Index, ApiKeyCredentialEntity Credential)>> ListAsync(
        string ownerId, CancellationToken cancellationToken)
    {
        var entries = (await store.ListIndexAsync(ownerId, cancellationToken)).Where(entry => entry.RevokedAt is null).ToList();
        var credentials = await Task.WhenAll(entries.Select(entry =>
            store.FindCredentialAsync(entry.CredentialPartition, entry.CredentialRow, cancellationToken)));

        var now = time.GetUtcNow();
        var live = new List<(ApiKeyIndexEntity, ApiKeyCredentialEntity)>();
        for (var i = 0; i < entries.Count; i++)
        {
            var (entry, credential) = (entries[i], credentials[i]);
            if (credential is null)
            {
                if (!IsWithinCreateGrace(entry.KeyId, now))
                {
                    await store.DeleteIndexAsync(entry, cancellationToken);
                    LogOrphanRemoved(logger, entry.KeyId, ownerId);
                }
            }
            else if (credential.RevokedAt is { } revokedAt)
            {
                await store.MarkIndexRevokedAsync(entry, revokedAt, cancellationToken);
            }
            else
            {
                live.Add((entry, credential));
            }
        }

        return live;
    }

    /// <summary>
    /// Reads the key, lets <paramref name="refuse"/> look at its current credential, applies <paramref name="credentialChange"/>
    /// to each live value (a rolled one in its grace too, so a fence or a narrower scope holds for it) and
    /// <paramref name="indexChange"/> to the index entry, and writes them with their ETags. The index is written even when
    /// only the values changed: a roll serialises on it, so a roll that copied a value before this change loses its index
    /// write and copies again.
    /// </summary>
    public Task<Result<(ApiKeyIndexEntity Index, ApiKeyCredentialEntity Credential)>> ChangeAsync(
        string ownerId,
        string keyId,
        Func<ApiKeyCredentialEntity, Problem?>? refuse,
        Action<ApiKeyCredentialEntity>? credentialChange,
        Action<ApiKeyIndexEntity>? indexChange,
        CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<(ApiKeyIndexEntity, ApiKeyCredentialEntity)>(async () =>
        {
            if (await FindAsync(ownerId, keyId, cancellationToken) is not { } found)
            {
                return NotFound();
            }

            var (index, current) = found;
            if (refuse?.Invoke(current) is { } refused)
            {
                return refused;
            }

            if (credentialChange is not null)
            {
                var values = new List<ApiKeyCredentialEntity>(2);
                if (await FindPreviousAsync(index, cancellationToken) is { } previous)
                {
                    values.Add(previous);
                }

                values.Add(current);
                foreach (var credential in values)
                {
                    credentialChange(credential);
                    if (!await store.TryReplaceCredentialAsync(credential, cancellationToken))
                    {
                        return RaceAttempt.Lost;
                    }
                }
            }

            indexChange?.Invoke(index);
            return await store.TryReplaceIndexAsync(index, cancellationToken) ? (index, current) : RaceAttempt.Lost;
        });

    /// <summary>The value a roll left working, while it still does; null when there is none.</summary>
    public async Task<ApiKeyCredentialEntity?> FindPreviousAsync(ApiKeyIndexEntity index, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (index.PreviousCredentialPartition is not { } partition || index.PreviousCredentialRow is not { } row || index.PreviousExpiresAt <= now)
        {
            return null;
        }

        var previous = await store.FindCredentialAsync(partition, row, cancellationToken);
        return previous is null || previous.IsRetiredAt(now) ? null : previous;
    }

    /// <summary>Ends a value at <paramref name="at"/> (or keeps an earlier end). A revoked value stays revoked.</summary>
    public Task RetireAsync(ApiKeyCredentialEntity credential, DateTimeOffset at, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<ApiKeyCredentialEntity>(async () =>
        {
            credential.RetiresAt = credential.RetiresAt is { } earlier && earlier < at ? earlier : at;
            if (await store.TryReplaceCredentialAsync(credential, cancellationToken))
            {
                return credential;
            }

            if (await store.FindCredentialAsync(credential.PartitionKey, credential.RowKey, cancellationToken) is not { RevokedAt: null } current)
            {
                return NotFound();
            }

            credential = current;
            return RaceAttempt.Lost;
        });

    /// <summary>Whether a create that began with <paramref name="keyId"/> (a ULID: its time is the create's) may still be writing.</summary>
    public bool IsWithinCreateGrace(string keyId, DateTimeOffset now) =>
        Ulid.Parse(keyId).Time + options.Value.CreateGracePeriod > now;

    public static Problem NotFound() => Problems.NotFound("The API key");

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Removed index entry of API key {KeyId} of user {UserId}: its create never wrote the credential")]
    private static partial void LogOrphanRemoved(ILogger logger, string keyId, string userId);
}

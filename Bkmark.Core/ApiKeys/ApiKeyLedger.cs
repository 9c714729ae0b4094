using Bkmark.Core.Json;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// The plan's active-key limit, held by the owner's ledger (<see cref="ApiKeyLedgerEntity"/>): a create takes a slot
/// with the ledger's ETag before writing anything else, so N concurrent creates can never take more slots than the limit.
/// </summary>
/// <remarks>
/// The ledger can only over-count (a create that crashed after reserving, a revoke that crashed before releasing;
/// expired keys drop out by their stored expiry), so when it says "full" it is recounted from the keys themselves
/// before a create is refused. Each round of a ledger race has one winner, so <see cref="OptimisticConcurrency.HotRowAttempts"/>
/// covers far more concurrent creates than a plan allows.
/// </remarks>
internal sealed partial class ApiKeyLedger(ApiKeyStore store, LiveApiKeys keys, TimeProvider time, ILogger<ApiKeyLedger> logger)
{
    /// <summary>Takes a slot for <paramref name="slot"/>; <c>KEY_LIMIT_REACHED</c> when the owner holds <paramref name="maxActiveKeys"/> already.</summary>
    public async Task<Problem?> ReserveAsync(string ownerId, KeySlot slot, int maxActiveKeys, CancellationToken cancellationToken)
    {
        var reserved = await OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var now = time.GetUtcNow();
            var ledger = await store.FindLedgerAsync(ownerId, cancellationToken) ?? new ApiKeyLedgerEntity { PartitionKey = ownerId };
            var slots = ReadSlots(ledger).Where(s => s.ExpiresAt is not { } expiresAt || expiresAt > now).ToList();
            if (slots.Count >= maxActiveKeys)
            {
                // The ledger only over-counts: recount from the keys before refusing. Slots of creates
                // still in progress (younger than the grace period) keep counting.
                var live = (await keys.ListAsync(ownerId, cancellationToken)).Select(key => key.Index.KeyId).ToHashSet(StringComparer.Ordinal);
                var recounted = slots.Where(s => live.Contains(s.Id) || keys.IsWithinCreateGrace(s.Id, now)).ToList();
                if (recounted.Count < slots.Count)
                {
                    LogLedgerRepaired(logger, ownerId, slots.Count, recounted.Count);
                }

                slots = recounted;
            }

            if (slots.Count >= maxActiveKeys)
            {
                return ApiKeyProblems.KeyLimitReached(maxActiveKeys);
            }

            slots.Add(slot);
            return await TryWriteAsync(ledger, slots, cancellationToken);
        }, OptimisticConcurrency.HotRowAttempts);
        return reserved.Problem;
    }

    /// <summary>
    /// Gives the key's slot back. If this keeps losing races the ledger over-counts until the next recount,
    /// so the CONFLICT is dropped: the revoke it belongs to has happened.
    /// </summary>
    public Task ReleaseAsync(string ownerId, string keyId, CancellationToken cancellationToken) =>
        ChangeSlotsAsync(ownerId, slots => slots.RemoveAll(s => s.Id == keyId) > 0, cancellationToken);

    /// <summary>
    /// Lets the key's slot count until the later of its old and <paramref name="expiresAt"/>, before the key's expiry
    /// changes: the ledger may only over-count (a later recount trims it), never let a live key drop out.
    /// </summary>
    public Task WidenAsync(string ownerId, string keyId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        ChangeSlotsAsync(ownerId, slots =>
        {
            var at = slots.FindIndex(s => s.Id == keyId);
            if (at < 0 || slots[at].ExpiresAt is not { } held || held >= expiresAt)
            {
                return false;
            }

            slots[at] = slots[at] with { ExpiresAt = expiresAt };
            return true;
        }, cancellationToken);

    /// <summary>Applies <paramref name="change"/> (false: nothing to write) to an existing ledger with its ETag.</summary>
    private Task ChangeSlotsAsync(string ownerId, Func<List<KeySlot>, bool> change, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var ledger = await store.FindLedgerAsync(ownerId, cancellationToken);
            var slots = ledger is null ? [] : ReadSlots(ledger).ToList();
            if (ledger is null || !change(slots))
            {
                return false;
            }

            return await TryWriteAsync(ledger, slots, cancellationToken);
        }, OptimisticConcurrency.HotRowAttempts);

    private async Task<RaceAttempt<bool>> TryWriteAsync(ApiKeyLedgerEntity ledger, List<KeySlot> slots, CancellationToken cancellationToken)
    {
        ledger.Slots = JsonSerializer.Serialize(slots, BkmarkJson.Options);
        return await store.TryWriteLedgerAsync(ledger, cancellationToken) ? true : RaceAttempt.Lost;
    }

    private static IReadOnlyList<KeySlot> ReadSlots(ApiKeyLedgerEntity ledger) =>
        JsonSerializer.Deserialize<List<KeySlot>>(ledger.Slots, BkmarkJson.Options) ?? [];

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Active-key ledger of user {UserId} recounted from {Before} to {After}")]
    private static partial void LogLedgerRepaired(ILogger logger, string userId, int before, int after);
}

using Bkmark.Core.Maintenance;
using Bkmark.Core.SecurityLog;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Gives a key a new raw value (DESIGN §10): same id, name, scopes and limits. The value it replaces keeps working for
/// the grace asked for, then answers <c>TOKEN_REVOKED</c>; a value still in the grace of an earlier roll ends at once,
/// so a key never has more than two live values.
/// </summary>
/// <remarks>
/// Rolls, edits and revokes of one key serialise on its index entry's ETag: the roll writes the new
/// credential, then points the index at it; a roll that loses that write deletes its credential and
/// starts again from the winner's value, so concurrent rolls leave one current value. Both old values get
/// an expiry-index entry first: the sweep finishes a roll that stopped half-way and deletes the values after retention.
/// </remarks>
public sealed partial class ApiKeyRoller
{
    /// <summary>The longest a rolled key's previous value may keep working: 7 days (DESIGN §10).</summary>
    public const int MaxRollGraceSeconds = 604_800;

    private readonly ApiKeyStore store;
    private readonly LiveApiKeys keys;
    private readonly CredentialHasher hasher;
    private readonly ExpiryIndex expiry;
    private readonly TimeProvider time;
    private readonly SecurityEventLog securityLog;
    private readonly ApiKeyOptions options;
    private readonly ILogger<ApiKeyRoller> logger;

    // Internal because the stores it takes are; registered with AddServiceWithInternalConstructor.
    internal ApiKeyRoller(
        ApiKeyStore store, LiveApiKeys keys, CredentialHasher hasher, ExpiryIndex expiry, TimeProvider time, SecurityEventLog securityLog, IOptions<ApiKeyOptions> options, ILogger<ApiKeyRoller> logger)
    {
        this.store = store;
        this.keys = keys;
        this.hasher = hasher;
        this.expiry = expiry;
        this.time = time;
        this.securityLog = securityLog;
        this.options = options.Value;
        this.logger = logger;
    }

    public async Task<Result<RolledApiKey>> RollAsync(Caller caller, string keyId, int? expiresPreviousIn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (expiresPreviousIn is not (>= 0 and <= MaxRollGraceSeconds))
        {
            return Problems.Validation("expiresPreviousIn", $"Send how many seconds the previous value keeps working: 0 to {MaxRollGraceSeconds} (7 days).");
        }

        var ownerId = ApiKeyService.OwnerIdOf(caller);
        var grace = TimeSpan.FromSeconds(expiresPreviousIn.Value);
        var rolled = await OptimisticConcurrency.RunAsync<RolledApiKey>(async () =>
        {
            if (await keys.FindAsync(ownerId, keyId, cancellationToken) is not { } found)
            {
                return LiveApiKeys.NotFound();
            }

            var (index, current) = found;
            if (ApiKeyContainment.MayActOn(caller, current) is { } refused)
            {
                return refused;
            }

            var now = time.GetUtcNow();
            var previousEnds = now + grace;
            var key = ApiKeyFormat.Generate(current.Environment);
            var successor = current.SuccessorFor(CredentialHasher.PartitionOf(ApiKeyFormat.KeyPrefixOf(key)), hasher.Hash(key), ApiKeyFormat.KeyPrefixOf(key));
            await expiry.ScheduleTogetherAsync(
            [
                new ScheduledExpiry(ApiKeyValueExpiryHandler.TargetOf(current), previousEnds),
                new ScheduledExpiry(ApiKeyValueExpiryHandler.TargetOf(successor), now + options.CreateGracePeriod),
            ], cancellationToken);

            // The value an earlier roll left in its grace ends now, before the index forgets it: if this roll
            // stops here, that value has only ended early, never lingered unseen.
            if (await keys.FindPreviousAsync(index, cancellationToken) is { } older)
            {
                await keys.RetireAsync(older, now, cancellationToken);
            }

            await store.AddCredentialAsync(successor, cancellationToken);
            index.CredentialPartition = successor.PartitionKey;
            index.CredentialRow = successor.RowKey;
            index.KeyPrefix = successor.KeyPrefix;
            index.PreviousCredentialPartition = current.PartitionKey;
            index.PreviousCredentialRow = current.RowKey;
            index.PreviousExpiresAt = previousEnds;
            if (!await store.TryReplaceIndexAsync(index, cancellationToken))
            {
                // Another roll, edit or revoke came first: this value was never shown to anyone.
                await store.TryDeleteCredentialAsync(successor, cancellationToken);
                return RaceAttempt.Lost;
            }

            await keys.RetireAsync(current, previousEnds, cancellationToken);
            LogRolled(logger, keyId, current.KeyPrefix, successor.KeyPrefix, ownerId, previousEnds);
            return new RolledApiKey(keyId, index.Name, key, successor.KeyPrefix, successor.ScopeList, successor.ExpiresAt, index.CreatedAt, previousEnds);
        });
        if (rolled.Succeeded)
        {
            await securityLog.RecordAsync(caller, SecurityEventTypes.ApiKeyRolled, ApiKeyService.DetailsOf(rolled.Value.Id, rolled.Value.KeyPrefix), cancellationToken);
        }

        return rolled;
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "API key {KeyId} of user {UserId} rolled from {PreviousKeyPrefix} to {KeyPrefix}; the previous value works until {PreviousExpiresAt}")]
    private static partial void LogRolled(ILogger logger, string keyId, string previousKeyPrefix, string keyPrefix, string userId, DateTimeOffset previousExpiresAt);
}

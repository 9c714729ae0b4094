using System.Text.Json;
using Bkmark.Core.Accounts;
using Bkmark.Core.Authorization;
using Bkmark.Core.Credentials;
using Bkmark.Core.Errors;
using Bkmark.Core.Json;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Creating, listing, changing and revoking a user's API keys. Keys may be managed with a session or
/// with a key, but a key acts only within itself (DESIGN §7): it creates and changes keys only with
/// scopes it has, an expiry no later than its own and a rate limit no higher than its own, and it
/// revokes or changes only keys whose scopes it holds. A session may do anything within the plan.
/// </summary>
/// <remarks>
/// The plan's active-key limit is held by the user's ledger (<see cref="ApiKeyLedgerEntity"/>): a
/// create takes a slot with the ledger's ETag before writing anything else, so N concurrent creates
/// can never take more slots than the limit. The ledger can only over-count (a create that crashed
/// after reserving, a revoke that crashed before releasing; expired keys drop out by their stored
/// expiry), so when it says "full" it is recounted from the keys themselves before a create is refused.
/// </remarks>
public sealed partial class ApiKeyService : IPlanChangeHandler
{
    public const int MaxNameLength = 100;

    // Each round of a ledger race has one winner, so this covers far more concurrent creates than a plan allows.

    private readonly ApiKeyStore store;
    private readonly UserStore users;
    private readonly CredentialHasher hasher;
    private readonly IdGenerator ids;
    private readonly ExpiryIndex expiry;
    private readonly TimeProvider time;
    private readonly ILogger<ApiKeyService> logger;
    private readonly ApiKeyOptions _options;

    // Internal because the stores it takes are; built by a factory in the feature's Add method.
    internal ApiKeyService(
        ApiKeyStore store,
        UserStore users,
        CredentialHasher hasher,
        IdGenerator ids,
        ExpiryIndex expiry,
        TimeProvider time,
        IOptions<ApiKeyOptions> options,
        ILogger<ApiKeyService> logger)
    {
        this.store = store;
        this.users = users;
        this.hasher = hasher;
        this.ids = ids;
        this.expiry = expiry;
        this.time = time;
        _options = options.Value;
        this.logger = logger;
    }

    public async Task<Result<CreatedApiKey>> CreateAsync(Caller caller, NewApiKey request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);

        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var name = CheckName(request.Name, required: true, errors);
        var scopes = CheckScopes(request.Scopes, required: true, errors);
        if (request.ExpiresAt is { } requestedExpiry && CheckExpiry(requestedExpiry, now) is { } expiryError)
        {
            errors["expiresAt"] = [expiryError];
        }

        if (request.RateLimitPerMinute is < 1)
        {
            errors["rateLimitPerMinute"] = ["The rate limit must be at least 1 request a minute."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (Escalation(caller, scopes!) is { } escalation)
        {
            return escalation;
        }

        if (OutlivesOrOutranks(caller, request) is { } exceeded)
        {
            return exceeded;
        }

        var user = await users.FindByIdAsync(caller.UserId, cancellationToken);
        if (user is null)
        {
            return Problems.NotFound("The user");
        }

        if (_options.LimitsFor(user.Plan) is not { } limits)
        {
            return ApiKeyProblems.ProPlanRequired();
        }

        if (request.RateLimitPerMinute > limits.RateLimitPerMinute)
        {
            return Problems.Validation("rateLimitPerMinute", $"The rate limit must be between 1 and {limits.RateLimitPerMinute} requests a minute on your plan.");
        }

        var id = ids.NewId();
        var reserved = await ReserveSlotAsync(user.Id, new KeySlot(id, request.ExpiresAt), limits.MaxActiveKeys, cancellationToken);
        if (reserved is not null)
        {
            return reserved;
        }

        var key = ApiKeyFormat.Generate();
        var keyPrefix = ApiKeyFormat.KeyPrefixOf(key);
        var credential = new ApiKeyCredentialEntity
        {
            PartitionKey = CredentialHasher.PartitionOf(keyPrefix),
            RowKey = hasher.Hash(key),
            KeyId = id,
            UserId = user.Id,
            KeyPrefix = keyPrefix,
            Scopes = string.Join(' ', scopes!),
            RateLimitPerMinute = request.RateLimitPerMinute ?? DefaultRateLimit(caller, limits),
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
        };
        var index = new ApiKeyIndexEntity
        {
            PartitionKey = user.Id,
            RowKey = id,
            Name = name!,
            KeyPrefix = keyPrefix,
            CredentialPartition = credential.PartitionKey,
            CredentialRow = credential.RowKey,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
        };

        // The sweep looks once the create is surely over: at an orphan if it crashed, else at the key's expiry.
        await expiry.ScheduleAsync(ApiKeyExpiryHandler.KindName, user.Id, id, now + _options.CreateGracePeriod, cancellationToken);
        // Index first, credential second: see ApiKeyStore for why a crash in between is harmless.
        await store.AddIndexAsync(index, cancellationToken);
        await store.AddCredentialAsync(credential, cancellationToken);
        LogCreated(logger, id, keyPrefix, user.Id);
        return new CreatedApiKey(id, index.Name, key, keyPrefix, scopes!, request.ExpiresAt, now);
    }

    /// <summary>The user's keys that are not revoked, expired ones included (until the sweep removes them).</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string userId, CancellationToken cancellationToken) =>
        (await ListLiveAsync(userId, cancellationToken)).Select(key => ToInfo(key.Index, key.Credential)).ToList();

    public async Task<Result<ApiKeyInfo>> GetAsync(string userId, string keyId, CancellationToken cancellationToken)
    {
        var found = await FindLiveAsync(userId, keyId, cancellationToken);
        return found is { } key ? ToInfo(key.Index, key.Credential) : NotFound();
    }

    public async Task<Result<ApiKeyInfo>> UpdateAsync(Caller caller, string keyId, ApiKeyChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(changes);

        var errors = new Dictionary<string, string[]>();
        if (changes.Name is null && changes.Scopes is null)
        {
            errors["body"] = ["Send a new name, new scopes, or both."];
        }

        var name = CheckName(changes.Name, required: false, errors);
        var scopes = CheckScopes(changes.Scopes, required: false, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (scopes is not null && Escalation(caller, scopes) is { } escalation)
        {
            return escalation;
        }

        if (await FindLiveAsync(caller.UserId, keyId, cancellationToken) is not { } found)
        {
            return NotFound();
        }

        var credential = found.Credential;
        if (Escalation(caller, credential.ScopeList) is { } outranked)
        {
            return outranked;
        }

        if (scopes is not null)
        {
            // The credential first: it is what requests are authorised by.
            var written = await ChangeWithRetriesAsync(
                credential,
                c => c.Scopes = string.Join(' ', scopes),
                c => store.TryReplaceCredentialAsync(c, cancellationToken),
                c => store.FindCredentialAsync(c.PartitionKey, c.RowKey, cancellationToken),
                c => c.RevokedAt is null);
            if (!written.Succeeded)
            {
                return written.Problem;
            }

            credential = written.Value;
        }

        var index = found.Index;
        if (name is not null)
        {
            var written = await ChangeWithRetriesAsync(
                index,
                i => i.Name = name,
                i => store.TryReplaceIndexAsync(i, cancellationToken),
                i => store.FindIndexAsync(i.UserId, i.KeyId, cancellationToken),
                i => i.RevokedAt is null);
            if (!written.Succeeded)
            {
                return written.Problem;
            }

            index = written.Value;
        }

        return ToInfo(index, credential);
    }

    /// <summary>Revokes the key: the next request with it, on any instance, gets <c>TOKEN_REVOKED</c>.</summary>
    public async Task<Result<bool>> RevokeAsync(Caller caller, string keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var userId = caller.UserId;
        var index = IdGenerator.IsValid(keyId) ? await store.FindIndexAsync(userId, keyId, cancellationToken) : null;
        if (index is null || index.RevokedAt is not null)
        {
            return NotFound();
        }

        return await OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var credential = await store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, cancellationToken);
            if (credential is null)
            {
                // A create that crashed before writing the credential: nothing can authenticate; tidy up.
                await store.DeleteIndexAsync(index, cancellationToken);
                await ReleaseSlotAsync(userId, keyId, cancellationToken);
                return true;
            }

            if (Escalation(caller, credential.ScopeList) is { } outranked)
            {
                return outranked;
            }

            if (credential.RevokedAt is null)
            {
                credential.RevokedAt = time.GetUtcNow();
                await expiry.ScheduleAsync(ApiKeyExpiryHandler.KindName, userId, keyId, credential.RevokedAt.Value + _options.Retention, cancellationToken);
                if (!await store.TryReplaceCredentialAsync(credential, cancellationToken))
                {
                    return RaceAttempt.Lost;
                }
            }

            await store.MarkIndexRevokedAsync(index, credential.RevokedAt.Value, cancellationToken);
            await ReleaseSlotAsync(userId, keyId, cancellationToken);
            LogRevoked(logger, keyId, index.KeyPrefix, userId);
            return true;
        });
    }

    /// <summary>
    /// Suspends the user's keys when their plan has no API access, and lifts the suspension when it has
    /// again. Idempotent: the billing system's retry of the same plan change repairs an interrupted one.
    /// </summary>
    public async Task ApplyPlanAsync(string userId, string plan, CancellationToken cancellationToken)
    {
        var suspended = plan == Plans.Free;
        foreach (var (_, credential) in await ListLiveAsync(userId, cancellationToken))
        {
            if (credential.ApiAccessSuspended == suspended)
            {
                continue;
            }

            var written = await ChangeWithRetriesAsync(
                credential,
                c => c.ApiAccessSuspended = suspended,
                c => store.TryReplaceCredentialAsync(c, cancellationToken),
                c => store.FindCredentialAsync(c.PartitionKey, c.RowKey, cancellationToken),
                c => c.RevokedAt is null);
            if (written.Succeeded)
            {
                LogPlanApplied(logger, credential.KeyId, credential.KeyPrefix, plan);
            }
        }
    }

    /// <summary>Applies <paramref name="change"/> and writes it with the entity's ETag, re-reading after each lost race.</summary>
    private static Task<Result<T>> ChangeWithRetriesAsync<T>(
        T entity, Action<T> change, Func<T, Task<bool>> tryWrite, Func<T, Task<T?>> reRead, Func<T, bool> isLive)
        where T : class =>
        OptimisticConcurrency.RunAsync<T>(async () =>
        {
            change(entity);
            if (await tryWrite(entity))
            {
                return entity;
            }

            if (await reRead(entity) is not { } current || !isLive(current))
            {
                return NotFound();
            }

            entity = current;
            return RaceAttempt.Lost;
        });

    private async Task<(ApiKeyIndexEntity Index, ApiKeyCredentialEntity Credential)?> FindLiveAsync(
        string userId, string keyId, CancellationToken cancellationToken)
    {
        var index = IdGenerator.IsValid(keyId) ? await store.FindIndexAsync(userId, keyId, cancellationToken) : null;
        if (index is null || index.RevokedAt is not null)
        {
            return null;
        }

        var credential = await store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, cancellationToken);
        return credential is null || credential.RevokedAt is not null ? null : (index, credential);
    }

    /// <summary>
    /// The user's index entries whose credential exists and is not revoked. Repairs on the way: an
    /// entry whose credential was never written is deleted once its create is surely over, and an
    /// entry whose credential was revoked by a revoke that stopped half-way is marked revoked.
    /// </summary>
    private async Task<IReadOnlyList<(ApiKeyIndexEntity Index, ApiKeyCredentialEntity Credential)>> ListLiveAsync(
        string userId, CancellationToken cancellationToken)
    {
        var entries = (await store.ListIndexAsync(userId, cancellationToken)).Where(entry => entry.RevokedAt is null).ToList();
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
                    LogOrphanRemoved(logger, entry.KeyId, userId);
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

    private async Task<Problem?> ReserveSlotAsync(string userId, KeySlot slot, int maxActiveKeys, CancellationToken cancellationToken)
    {
        var reserved = await OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var now = time.GetUtcNow();
            var ledger = await store.FindLedgerAsync(userId, cancellationToken) ?? new ApiKeyLedgerEntity { PartitionKey = userId };
            var slots = ReadSlots(ledger).Where(s => s.ExpiresAt is not { } expiresAt || expiresAt > now).ToList();
            if (slots.Count >= maxActiveKeys)
            {
                // The ledger only over-counts: recount from the keys before refusing. Slots of creates
                // still in progress (younger than the grace period) keep counting.
                var live = (await ListLiveAsync(userId, cancellationToken)).Select(key => key.Index.KeyId).ToHashSet(StringComparer.Ordinal);
                var recounted = slots.Where(s => live.Contains(s.Id) || IsWithinCreateGrace(s.Id, now)).ToList();
                if (recounted.Count < slots.Count)
                {
                    LogLedgerRepaired(logger, userId, slots.Count, recounted.Count);
                }

                slots = recounted;
            }

            if (slots.Count >= maxActiveKeys)
            {
                return ApiKeyProblems.KeyLimitReached(maxActiveKeys);
            }

            slots.Add(slot);
            ledger.Slots = JsonSerializer.Serialize(slots, BkmarkJson.Options);
            return await store.TryWriteLedgerAsync(ledger, cancellationToken) ? true : RaceAttempt.Lost;
        }, OptimisticConcurrency.HotRowAttempts);
        return reserved.Problem;
    }

    /// <summary>
    /// Gives the key's slot back. If this keeps losing races the ledger over-counts until the next recount,
    /// so the CONFLICT is dropped: the revoke it belongs to has happened.
    /// </summary>
    private Task ReleaseSlotAsync(string userId, string keyId, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var ledger = await store.FindLedgerAsync(userId, cancellationToken);
            var slots = ledger is null ? [] : ReadSlots(ledger).ToList();
            if (slots.RemoveAll(s => s.Id == keyId) == 0)
            {
                return false;
            }

            ledger!.Slots = JsonSerializer.Serialize(slots, BkmarkJson.Options);
            return await store.TryWriteLedgerAsync(ledger, cancellationToken) ? true : RaceAttempt.Lost;
        }, OptimisticConcurrency.HotRowAttempts);

    private static IReadOnlyList<KeySlot> ReadSlots(ApiKeyLedgerEntity ledger) =>
        JsonSerializer.Deserialize<List<KeySlot>>(ledger.Slots, BkmarkJson.Options) ?? [];

    private bool IsWithinCreateGrace(string keyId, DateTimeOffset now) =>
        Ulid.Parse(keyId).Time + _options.CreateGracePeriod > now;

    /// <summary>A key may only name, or act on a key holding, scopes it has itself.</summary>
    private static Problem? Escalation(Caller caller, IReadOnlyList<string> scopes) =>
        caller.IsSession ? null : scopes.FirstOrDefault(scope => !caller.HasScope(scope)) is { } missing ? Problems.ScopeRequired(missing) : null;

    /// <summary>
    /// A key may not mint a key that outlives it (an expiring key must name an expiry, no later than its
    /// own) or that may make more requests a minute than it may.
    /// </summary>
    private static Problem? OutlivesOrOutranks(Caller caller, NewApiKey request)
    {
        if (caller.IsSession)
        {
            return null;
        }

        if (caller.ExpiresAt is { } ownExpiry && (request.ExpiresAt is not { } expiresAt || expiresAt > ownExpiry))
        {
            return ApiKeyProblems.KeyLimitsExceeded($"This API key expires at {BkmarkJson.FormatTime(ownExpiry)}; a key it creates must set expiresAt no later than that.");
        }

        if (caller.RateLimitPerMinute is { } ownLimit && request.RateLimitPerMinute > ownLimit)
        {
            return ApiKeyProblems.KeyLimitsExceeded($"This API key may make {ownLimit} requests a minute; a key it creates may not be given more.");
        }

        return null;
    }

    /// <summary>The plan's rate limit, or the creating key's own when that is lower: a key left to the default stays within its creator.</summary>
    private static int DefaultRateLimit(Caller caller, PlanKeyLimits limits) =>
        caller.RateLimitPerMinute is { } ownLimit ? Math.Min(ownLimit, limits.RateLimitPerMinute) : limits.RateLimitPerMinute;

    /// <summary>In the future and within <see cref="ApiKeyOptions.MaxExpiryYears"/>, so no later arithmetic on it (retention, buckets) can overflow.</summary>
    private string? CheckExpiry(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        if (expiresAt <= now)
        {
            return "The expiry must be in the future.";
        }

        return expiresAt > now.AddYears(_options.MaxExpiryYears)
            ? $"The expiry must be at most {_options.MaxExpiryYears} years ahead, no later than {BkmarkJson.FormatTime(now.AddYears(_options.MaxExpiryYears))}."
            : null;
    }

    private static string? CheckName(string? name, bool required, Dictionary<string, string[]> errors)
    {
        var trimmed = name?.Trim();
        if (trimmed is null && !required)
        {
            return null;
        }

        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength)
        {
            errors["name"] = [$"The name must be 1 to {MaxNameLength} characters."];
            return null;
        }

        return trimmed;
    }

    /// <summary>Known scopes only, at least one; duplicates collapse, the first occurrence keeps its place.</summary>
    private static IReadOnlyList<string>? CheckScopes(IReadOnlyList<string?>? scopes, bool required, Dictionary<string, string[]> errors)
    {
        if (scopes is null && !required)
        {
            return null;
        }

        if (scopes is null || scopes.Count == 0)
        {
            errors["scopes"] = ["At least one scope is required."];
            return null;
        }

        if (scopes.FirstOrDefault(scope => scope is null || !Scopes.IsKnown(scope), "") is not "")
        {
            errors["scopes"] = [$"Every scope must be one of: {string.Join(", ", Scopes.All)}."];
            return null;
        }

        return scopes.Select(scope => scope!).Distinct(StringComparer.Ordinal).ToList();
    }

    private static ApiKeyInfo ToInfo(ApiKeyIndexEntity index, ApiKeyCredentialEntity credential) =>
        new(index.KeyId, index.Name, index.KeyPrefix, credential.ScopeList, credential.LastUsedAt, credential.ExpiresAt, index.CreatedAt);

    private static Problem NotFound() => Problems.NotFound("The API key");

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) created for user {UserId}")]
    private static partial void LogCreated(ILogger logger, string keyId, string keyPrefix, string userId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) of user {UserId} revoked")]
    private static partial void LogRevoked(ILogger logger, string keyId, string keyPrefix, string userId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Removed index entry of API key {KeyId} of user {UserId}: its create never wrote the credential")]
    private static partial void LogOrphanRemoved(ILogger logger, string keyId, string userId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) follows plan {Plan}")]
    private static partial void LogPlanApplied(ILogger logger, string keyId, string keyPrefix, string plan);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Active-key ledger of user {UserId} recounted from {Before} to {After}")]
    private static partial void LogLedgerRepaired(ILogger logger, string userId, int before, int after);
}

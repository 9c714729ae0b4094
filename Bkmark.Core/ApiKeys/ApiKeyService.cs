using Bkmark.Core.Accounts;
using Bkmark.Core.Authorization;
using Bkmark.Core.Json;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Creating, listing, changing and revoking a user's API keys. Keys may be managed with a session or
/// with a key, but a key acts only within itself (DESIGN §7): it creates and changes keys only with
/// scopes it has, an expiry no later than its own and a rate limit no higher than its own, and it
/// revokes or changes only keys whose scopes it holds. A test key (DESIGN §12) sees, creates and changes only
/// test keys: a live key is live data. A session may do anything within the plan.
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
    /// <summary>The longest a rolled key's previous value may keep working: 7 days (DESIGN §10).</summary>
    public const int MaxRollGraceSeconds = 604_800;

    // Each round of a ledger race has one winner, so this covers far more concurrent creates than a plan allows.

    private readonly ApiKeyStore store;
    private readonly AccountDirectory users;
    private readonly CredentialHasher hasher;
    private readonly IdGenerator ids;
    private readonly ExpiryIndex expiry;
    private readonly TimeProvider time;
    private readonly ILogger<ApiKeyService> logger;
    private readonly ApiKeyOptions options;

    // Internal because the stores it takes are; registered with AddServiceWithInternalConstructor.
    internal ApiKeyService(
        ApiKeyStore store,
        AccountDirectory users,
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
        this.options = options.Value;
        this.logger = logger;
    }

    public async Task<Result<CreatedApiKey>> CreateAsync(Caller caller, NewApiKey request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);

        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var name = errors.Name("name", request.Name);
        var scopes = CheckScopes(request.Scopes, required: true, errors);
        if (request.ExpiresAt is { } requestedExpiry && CheckExpiry(requestedExpiry, now) is { } expiryError)
        {
            errors.Add("expiresAt", expiryError);
        }

        if (request.RateLimitPerMinute is < 1)
        {
            errors.Add("rateLimitPerMinute", "The rate limit must be at least 1 request a minute.");
        }

        var environment = request.Environment ?? (caller.IsTestKey ? KeyEnvironment.Test : KeyEnvironment.Live);
        if (!KeyEnvironment.IsKnown(environment))
        {
            errors.Add("environment", $"The environment must be one of: {string.Join(", ", KeyEnvironment.All)}.");
        }

        if (errors.Problem is { } invalid)
        {
            return invalid;
        }

        if (Escalation(caller, scopes!) is { } escalation)
        {
            return escalation;
        }

        if (OutlivesOrOutranks(caller, request.ExpiresAt, request.RateLimitPerMinute, expiryRequired: true) is { } exceeded)
        {
            return exceeded;
        }

        if (caller.IsTestKey && environment != KeyEnvironment.Test)
        {
            // A test key never reaches live data, and a live key it made would.
            return ApiKeyProblems.KeyLimitsExceeded("A test key creates only test keys.");
        }

        var owner = await KeyOwnerOfAsync(caller, cancellationToken);
        if (!owner.Succeeded)
        {
            return owner.Problem;
        }

        var (ownerId, limits) = owner.Value;

        if (request.RateLimitPerMinute > limits.RateLimitPerMinute)
        {
            return Problems.Validation("rateLimitPerMinute", $"The rate limit must be between 1 and {limits.RateLimitPerMinute} requests a minute on your plan.");
        }

        var id = ids.NewId();
        var reserved = await ReserveSlotAsync(ownerId, new KeySlot(id, request.ExpiresAt), limits.MaxActiveKeys, cancellationToken);
        if (reserved is not null)
        {
            return reserved;
        }

        var key = ApiKeyFormat.Generate(environment);
        var keyPrefix = ApiKeyFormat.KeyPrefixOf(key);
        var credential = new ApiKeyCredentialEntity
        {
            PartitionKey = CredentialHasher.PartitionOf(keyPrefix),
            RowKey = hasher.Hash(key),
            KeyId = id,
            UserId = caller.UserId,
            OrganisationId = caller.OrganisationId,
            KeyPrefix = keyPrefix,
            Scopes = string.Join(' ', scopes!),
            RateLimitPerMinute = request.RateLimitPerMinute ?? DefaultRateLimit(caller, limits),
            Environment = environment,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
        };
        var index = new ApiKeyIndexEntity
        {
            PartitionKey = ownerId,
            RowKey = id,
            Name = name!,
            KeyPrefix = keyPrefix,
            CredentialPartition = credential.PartitionKey,
            CredentialRow = credential.RowKey,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
        };

        // The sweep looks once the create is surely over (at an orphan if it crashed, else at the key's expiry),
        // and, for a key that expires, when its expiry warnings are due.
        List<ScheduledExpiry> looks = [new(new ExpiryTarget(ApiKeyExpiryHandler.KindName, ownerId, id), now + options.CreateGracePeriod)];
        if (request.ExpiresAt is { } warnAbout && warnAbout - now > ApiKeyExpiryWarningHandler.DayAhead)
        {
            looks.Add(new(new ExpiryTarget(ApiKeyExpiryWarningHandler.KindName, ownerId, id), ApiKeyExpiryWarningHandler.FirstLookAt(warnAbout)));
        }

        await expiry.ScheduleAsync(looks, cancellationToken);
        // Index first, credential second: see ApiKeyStore for why a crash in between is harmless.
        await store.AddIndexAsync(index, cancellationToken);
        await store.AddCredentialAsync(credential, cancellationToken);
        LogCreated(logger, id, keyPrefix, ownerId);
        return new CreatedApiKey(id, index.Name, key, keyPrefix, scopes!, request.ExpiresAt, now) { Environment = environment };
    }

    /// <summary>The user's keys that are not revoked, expired ones included (until the sweep removes them).</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string userId, CancellationToken cancellationToken) =>
        (await ListLiveAsync(userId, cancellationToken)).Select(key => ToInfo(key.Index, key.Credential)).ToList();

    /// <summary>The keys <paramref name="caller"/> may see: all of its owner's, or only the test keys for a test key (live keys are live data).</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var keys = await ListAsync(OwnerIdOf(caller), cancellationToken);
        return caller.IsTestKey ? keys.Where(key => key.Environment == KeyEnvironment.Test).ToList() : keys;
    }

    public async Task<Result<ApiKeyInfo>> GetAsync(string userId, string keyId, CancellationToken cancellationToken)
    {
        var found = await FindLiveAsync(userId, keyId, cancellationToken);
        return found is { } key ? ToInfo(key.Index, key.Credential) : NotFound();
    }

    /// <summary>One key, if <paramref name="caller"/> may see it (see <see cref="ListAsync(Caller, CancellationToken)"/>).</summary>
    public async Task<Result<ApiKeyInfo>> GetAsync(Caller caller, string keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var found = await FindLiveAsync(OwnerIdOf(caller), keyId, cancellationToken);
        return found is { } key && IsVisibleTo(caller, key.Credential) ? ToInfo(key.Index, key.Credential) : NotFound();
    }

    public async Task<Result<ApiKeyInfo>> UpdateAsync(Caller caller, string keyId, ApiKeyChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(changes);

        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        if (changes is { Name: null, Scopes: null, RateLimitPerMinute: null, ExpiresAt: null, AllowedIps: null })
        {
            errors.Add("body", "Send at least one of name, scopes, rateLimitPerMinute, expiresAt and allowedIps.");
        }

        var name = errors.Name("name", changes.Name, required: false);
        var scopes = CheckScopes(changes.Scopes, required: false, errors);
        if (changes.RateLimitPerMinute is < 1)
        {
            errors.Add("rateLimitPerMinute", "The rate limit must be at least 1 request a minute.");
        }

        if (changes.ExpiresAt is { } requestedExpiry && CheckExpiry(requestedExpiry, now) is { } expiryError)
        {
            errors.Add("expiresAt", expiryError);
        }

        IReadOnlyList<string>? allowedIps = null;
        if (changes.AllowedIps is not null)
        {
            (allowedIps, var ipError) = AllowedIpRanges.Parse(changes.AllowedIps);
            if (ipError is not null)
            {
                errors.Add("allowedIps", ipError);
            }
        }

        if (errors.Problem is { } invalid)
        {
            return invalid;
        }

        if (scopes is not null && Escalation(caller, scopes) is { } escalation)
        {
            return escalation;
        }

        if (OutlivesOrOutranks(caller, changes.ExpiresAt, changes.RateLimitPerMinute, expiryRequired: false) is { } exceeded)
        {
            return exceeded;
        }

        if (changes.RateLimitPerMinute is { } rateLimit && await PlanRateLimitProblemAsync(caller, rateLimit, cancellationToken) is { } overPlan)
        {
            return overPlan;
        }

        if (!IdGenerator.IsValid(keyId))
        {
            return NotFound();
        }

        var ownerId = OwnerIdOf(caller);
        if (changes.ExpiresAt is { } newExpiry)
        {
            // Before the key changes: the ledger may over-count for a while, never under-count.
            await WidenSlotAsync(ownerId, keyId, newExpiry, cancellationToken);
            await ScheduleExpiryLooksAsync(ownerId, keyId, newExpiry, cancellationToken);
        }

        var changed = await ChangeKeyAsync(caller, ownerId, keyId, credential =>
        {
            credential.Scopes = scopes is null ? credential.Scopes : string.Join(' ', scopes);
            credential.RateLimitPerMinute = changes.RateLimitPerMinute ?? credential.RateLimitPerMinute;
            credential.ExpiresAt = changes.ExpiresAt ?? credential.ExpiresAt;
            credential.AllowedIps = allowedIps is null ? credential.AllowedIps : string.Join(' ', allowedIps);
        }, index =>
        {
            index.Name = name ?? index.Name;
            index.ExpiresAt = changes.ExpiresAt ?? index.ExpiresAt;
        }, cancellationToken);
        return changed.Succeeded ? ToInfo(changed.Value.Index, changed.Value.Credential) : changed.Problem;
    }

    /// <summary>
    /// Gives the key a new raw value (DESIGN §10): same id, name, scopes and limits. The value it replaces keeps
    /// working for <paramref name="expiresPreviousIn"/> seconds, then answers <c>TOKEN_REVOKED</c>; a value still
    /// in the grace of an earlier roll ends at once, so a key never has more than two live values.
    /// </summary>
    /// <remarks>
    /// Rolls, edits and revokes of one key serialise on its index entry's ETag: the roll writes the new
    /// credential, then points the index at it; a roll that loses that write deletes its credential and
    /// starts again from the winner's value, so concurrent rolls leave one current value. Both old values get
    /// an expiry-index entry first: the sweep finishes a roll that stopped half-way and deletes the values after retention.
    /// </remarks>
    public async Task<Result<RolledApiKey>> RollAsync(Caller caller, string keyId, int? expiresPreviousIn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (expiresPreviousIn is not (>= 0 and <= MaxRollGraceSeconds))
        {
            return Problems.Validation("expiresPreviousIn", $"Send how many seconds the previous value keeps working: 0 to {MaxRollGraceSeconds} (7 days).");
        }

        var ownerId = OwnerIdOf(caller);
        var grace = TimeSpan.FromSeconds(expiresPreviousIn.Value);
        return await OptimisticConcurrency.RunAsync<RolledApiKey>(async () =>
        {
            if (await FindLiveAsync(ownerId, keyId, cancellationToken) is not { } found)
            {
                return NotFound();
            }

            var (index, current) = found;
            if (!IsVisibleTo(caller, current))
            {
                return NotFound();
            }

            if (Escalation(caller, current.ScopeList) is { } outranked)
            {
                return outranked;
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
            if (await FindPreviousAsync(index, cancellationToken) is { } older)
            {
                await RetireAsync(older, now, cancellationToken);
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

            await RetireAsync(current, previousEnds, cancellationToken);
            LogRolled(logger, keyId, current.KeyPrefix, successor.KeyPrefix, ownerId, previousEnds);
            return new RolledApiKey(keyId, index.Name, key, successor.KeyPrefix, successor.ScopeList, successor.ExpiresAt, index.CreatedAt, previousEnds);
        });
    }

    /// <summary>Revokes the key: the next request with it (or with a rolled value still in its grace), on any instance, gets <c>TOKEN_REVOKED</c>.</summary>
    public Task<Result<bool>> RevokeAsync(Caller caller, string keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return RevokeKeyAsync(caller, OwnerIdOf(caller), keyId, cancellationToken);
    }

    /// <summary>Settings → Billing: the user's plan, how many of its keys are in use, and the default rate limit.</summary>
    public async Task<Result<PlanOverview>> GetPlanAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null)
        {
            return Problems.NotFound("The user");
        }

        var limits = options.LimitsFor(user.Plan);
        var now = time.GetUtcNow();
        var active = limits is null ? 0 : (await ListLiveAsync(userId, cancellationToken)).Count(key => key.Credential.ExpiresAt is not { } expiresAt || expiresAt > now);
        return new PlanOverview(user.Plan, new KeyAllowance(active, limits?.MaxActiveKeys ?? 0), limits?.RateLimitPerMinute ?? 0);
    }

    /// <summary>
    /// Suspends the user's keys when their plan has no API access, and lifts the suspension when it has
    /// again. Idempotent: the billing system's retry of the same plan change repairs an interrupted one.
    /// </summary>
    public async Task ApplyPlanAsync(string userId, string plan, CancellationToken cancellationToken)
    {
        var suspended = plan == Plans.Free;
        await MarkLiveKeysAsync(userId, c => c.ApiAccessSuspended == suspended, c => c.ApiAccessSuspended = suspended,
            credential => LogPlanApplied(logger, credential.KeyId, credential.KeyPrefix, plan), cancellationToken);
    }

    /// <summary>
    /// Marks every live key of the user (test keys, and a rolled key's value in its grace, included) with the account's lock,
    /// or clears it (DESIGN §16). Idempotent: a retried lock or unlock finishes an interrupted one. An organisation's keys
    /// are the organisation's (they outlive their creator's membership) and are left alone.
    /// </summary>
    internal Task SetAccountLockedAsync(string userId, bool locked, CancellationToken cancellationToken) =>
        MarkLiveKeysAsync(userId, c => c.AccountLocked == locked, c => c.AccountLocked = locked,
            credential => LogAccountLockApplied(logger, credential.KeyId, credential.KeyPrefix, locked), cancellationToken);

    /// <summary>Applies <paramref name="change"/> to each live key that is not <paramref name="alreadyDone"/> yet, every value of it.</summary>
    private async Task MarkLiveKeysAsync(
        string userId, Func<ApiKeyCredentialEntity, bool> alreadyDone, Action<ApiKeyCredentialEntity> change, Action<ApiKeyCredentialEntity> log,
        CancellationToken cancellationToken)
    {
        foreach (var (index, credential) in await ListLiveAsync(userId, cancellationToken))
        {
            if (alreadyDone(credential))
            {
                continue;
            }

            var written = await ChangeKeyAsync(caller: null, userId, index.KeyId, change, indexChange: null, cancellationToken);
            if (written.Succeeded)
            {
                log(credential);
            }
        }
    }

    /// <summary>
    /// Revokes a key of <paramref name="userId"/>: every live value (a rolled one in its grace first), then the index
    /// entry with its ETag, so a roll that pointed the index at a new value meanwhile makes this look again and
    /// revoke that one too. <paramref name="caller"/> null is the service itself (a leak report).
    /// </summary>
    internal Task<Result<bool>> RevokeKeyAsync(Caller? caller, string userId, string keyId, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var index = IdGenerator.IsValid(keyId) ? await store.FindIndexAsync(userId, keyId, cancellationToken) : null;
            if (index is null || index.RevokedAt is not null)
            {
                return NotFound();
            }

            var credential = await store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, cancellationToken);
            if (credential is null)
            {
                // A create that crashed before writing the credential: nothing can authenticate; tidy up.
                await store.DeleteIndexAsync(index, cancellationToken);
                await ReleaseSlotAsync(userId, keyId, cancellationToken);
                return true;
            }

            if (caller is not null && !IsVisibleTo(caller, credential))
            {
                return NotFound();
            }

            if (caller is not null && Escalation(caller, credential.ScopeList) is { } outranked)
            {
                return outranked;
            }

            var now = time.GetUtcNow();
            if (await FindPreviousAsync(index, cancellationToken) is { } previous)
            {
                previous.RevokedAt = now;
                if (!await store.TryReplaceCredentialAsync(previous, cancellationToken))
                {
                    return RaceAttempt.Lost;
                }
            }

            if (credential.RevokedAt is null)
            {
                credential.RevokedAt = now;
                await expiry.ScheduleAsync(ApiKeyExpiryHandler.KindName, userId, keyId, credential.RevokedAt.Value + options.Retention, cancellationToken);
                if (!await store.TryReplaceCredentialAsync(credential, cancellationToken))
                {
                    return RaceAttempt.Lost;
                }
            }

            index.RevokedAt = credential.RevokedAt;
            if (!await store.TryReplaceIndexAsync(index, cancellationToken))
            {
                return RaceAttempt.Lost;
            }

            await ReleaseSlotAsync(userId, keyId, cancellationToken);
            LogRevoked(logger, keyId, index.KeyPrefix, userId);
            return true;
        });

    /// <summary>
    /// Reads the key, applies <paramref name="credentialChange"/> to each live value (a rolled one in its grace too,
    /// so a fence or a narrower scope holds for it) and <paramref name="indexChange"/> to the index entry, and writes
    /// them with their ETags. The index is written even when only the values changed: a roll serialises on it, so a
    /// roll that copied a value before this change loses its index write and copies again.
    /// </summary>
    private Task<Result<(ApiKeyIndexEntity Index, ApiKeyCredentialEntity Credential)>> ChangeKeyAsync(
        Caller? caller, string userId, string keyId, Action<ApiKeyCredentialEntity>? credentialChange, Action<ApiKeyIndexEntity>? indexChange,
        CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<(ApiKeyIndexEntity, ApiKeyCredentialEntity)>(async () =>
        {
            if (await FindLiveAsync(userId, keyId, cancellationToken) is not { } found)
            {
                return NotFound();
            }

            var (index, current) = found;
            if (caller is not null && !IsVisibleTo(caller, current))
            {
                return NotFound();
            }

            if (caller is not null && Escalation(caller, current.ScopeList) is { } outranked)
            {
                return outranked;
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
    private async Task<ApiKeyCredentialEntity?> FindPreviousAsync(ApiKeyIndexEntity index, CancellationToken cancellationToken)
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
    private async Task RetireAsync(ApiKeyCredentialEntity credential, DateTimeOffset at, CancellationToken cancellationToken) =>
        await ChangeWithRetriesAsync(
            credential,
            c => c.RetiresAt = c.RetiresAt is { } earlier && earlier < at ? earlier : at,
            c => store.TryReplaceCredentialAsync(c, cancellationToken),
            c => store.FindCredentialAsync(c.PartitionKey, c.RowKey, cancellationToken),
            c => c.RevokedAt is null);

    /// <summary>
    /// Whose keys the caller creates: their own, within their plan; or, for an organisation's admin or owner
    /// acting for it, the organisation's, counted against the Team plan's limit per organisation (DESIGN §12).
    /// </summary>
    private async Task<Result<(string OwnerId, PlanKeyLimits Limits)>> KeyOwnerOfAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (caller.OrganisationId is not null)
        {
            return (OwnerIdOf(caller), options.LimitsFor(Plans.Team)!);
        }

        var user = await users.FindByIdAsync(caller.UserId, cancellationToken);
        if (user is null)
        {
            return Problems.NotFound("The user");
        }

        // A key made while support locks the account would escape the lock: its credentials already stop, and this closes the gap.
        if (user.LockedAt is not null)
        {
            return Problems.AccountLocked();
        }

        if (user.EmailVerifiedAt is null)
        {
            return AccountProblems.EmailNotVerified();
        }

        return options.LimitsFor(user.Plan) is { } limits ? (user.Id, limits) : ApiKeyProblems.ProPlanRequired();
    }

    /// <summary>The partition the caller's keys are listed in: an organisation's keys under its library id, so they outlive whoever made them.</summary>
    private static string OwnerIdOf(Caller caller) =>
        caller.OrganisationId is { } organisationId ? LibraryIds.Organisation(organisationId) : caller.UserId;

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

    /// <summary>A test key acts only on test keys: to it a live key does not exist (NOT_FOUND, as another user's key).</summary>
    private static bool IsVisibleTo(Caller caller, ApiKeyCredentialEntity credential) => !caller.IsTestKey || credential.IsTest;

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
        Ulid.Parse(keyId).Time + options.CreateGracePeriod > now;

    /// <summary>A key may only name, or act on a key holding, scopes it has itself.</summary>
    private static Problem? Escalation(Caller caller, IReadOnlyList<string> scopes) =>
        caller.IsSession ? null : scopes.FirstOrDefault(scope => !caller.HasScope(scope)) is { } missing ? Problems.ScopeRequired(missing) : null;

    /// <summary>
    /// A key may not give a key a life longer than its own (an expiring key must name an expiry when it creates
    /// one, no later than its own) or more requests a minute than it may make.
    /// </summary>
    private static Problem? OutlivesOrOutranks(Caller caller, DateTimeOffset? expiresAt, int? rateLimitPerMinute, bool expiryRequired)
    {
        if (caller.IsSession)
        {
            return null;
        }

        if (caller.ExpiresAt is { } ownExpiry && (expiresAt is { } requested ? requested > ownExpiry : expiryRequired))
        {
            return ApiKeyProblems.KeyLimitsExceeded($"This API key expires at {BkmarkJson.FormatTime(ownExpiry)}; a key it creates or changes must expire no later than that.");
        }

        if (caller.RateLimitPerMinute is { } ownLimit && rateLimitPerMinute > ownLimit)
        {
            return ApiKeyProblems.KeyLimitsExceeded($"This API key may make {ownLimit} requests a minute; a key it creates or changes may not be given more.");
        }

        return null;
    }

    /// <summary>A rate limit above the plan's is refused, whoever asks (DESIGN §2: settable lower, never higher).</summary>
    /// <remarks>An organisation's key is held to the Team plan's limit, as at its create (<see cref="KeyOwnerOfAsync"/>).</remarks>
    private async Task<Problem?> PlanRateLimitProblemAsync(Caller caller, int rateLimitPerMinute, CancellationToken cancellationToken)
    {
        var owner = await KeyOwnerOfAsync(caller, cancellationToken);
        if (!owner.Succeeded)
        {
            return owner.Problem;
        }

        var limits = owner.Value.Limits;
        return rateLimitPerMinute > limits.RateLimitPerMinute
            ? Problems.Validation("rateLimitPerMinute", $"The rate limit must be between 1 and {limits.RateLimitPerMinute} requests a minute on your plan.")
            : null;
    }

    /// <summary>
    /// Lets the key's ledger slot count until the later of its old and <paramref name="expiresAt"/>, before the key's
    /// expiry changes: the ledger may only over-count (a later recount trims it), never let a live key drop out.
    /// </summary>
    private Task WidenSlotAsync(string userId, string keyId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var ledger = await store.FindLedgerAsync(userId, cancellationToken);
            var slots = ledger is null ? [] : ReadSlots(ledger).ToList();
            var at = slots.FindIndex(s => s.Id == keyId);
            if (at < 0 || slots[at].ExpiresAt is not { } held || held >= expiresAt)
            {
                return false;
            }

            slots[at] = slots[at] with { ExpiresAt = expiresAt };
            ledger!.Slots = JsonSerializer.Serialize(slots, BkmarkJson.Options);
            return await store.TryWriteLedgerAsync(ledger, cancellationToken) ? true : RaceAttempt.Lost;
        }, OptimisticConcurrency.HotRowAttempts);

    /// <summary>A new expiry: the sweep looks at the key once it is past retention (it may have been shortened), and when its warnings are due.</summary>
    private Task ScheduleExpiryLooksAsync(string userId, string keyId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        expiry.ScheduleAsync(
        [
            new ScheduledExpiry(new ExpiryTarget(ApiKeyExpiryHandler.KindName, userId, keyId), ExpiryIndex.Deadline(expiresAt, options.Retention)),
            new ScheduledExpiry(new ExpiryTarget(ApiKeyExpiryWarningHandler.KindName, userId, keyId), ApiKeyExpiryWarningHandler.FirstLookAt(expiresAt)),
        ], cancellationToken);

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

        return expiresAt > now.AddYears(options.MaxExpiryYears)
            ? $"The expiry must be at most {options.MaxExpiryYears} years ahead, no later than {BkmarkJson.FormatTime(now.AddYears(options.MaxExpiryYears))}."
            : null;
    }

    /// <summary>Known scopes only, at least one; duplicates collapse, the first occurrence keeps its place.</summary>
    private static IReadOnlyList<string>? CheckScopes(IReadOnlyList<string?>? scopes, bool required, FieldErrors errors)
    {
        if (scopes is null && !required)
        {
            return null;
        }

        if (scopes is null || scopes.Count == 0)
        {
            errors.Add("scopes", "At least one scope is required.");
            return null;
        }

        if (scopes.FirstOrDefault(scope => scope is null || !Scopes.IsKnown(scope), "") is not "")
        {
            errors.Add("scopes", $"Every scope must be one of: {string.Join(", ", Scopes.All)}.");
            return null;
        }

        return scopes.Select(scope => scope!).Distinct(StringComparer.Ordinal).ToList();
    }

    private ApiKeyInfo ToInfo(ApiKeyIndexEntity index, ApiKeyCredentialEntity credential) =>
        new(
            index.KeyId,
            index.Name,
            index.KeyPrefix,
            credential.ScopeList,
            credential.LastUsedAt,
            credential.ExpiresAt,
            index.CreatedAt,
            credential.RateLimitPerMinute,
            credential.AllowedIpList,
            NullIfEmpty(credential.LastUsedIp),
            NullIfEmpty(credential.LastUsedUserAgent),
            index.PreviousExpiresAt > time.GetUtcNow() ? index.PreviousExpiresAt : null)
        {
            Environment = credential.Environment,
        };

    // The touch writes "" for an unknown address or browser (see ApiKeyStore.TryTouchAsync).
    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static Problem NotFound() => Problems.NotFound("The API key");

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) created for user {UserId}")]
    private static partial void LogCreated(ILogger logger, string keyId, string keyPrefix, string userId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) of user {UserId} revoked")]
    private static partial void LogRevoked(ILogger logger, string keyId, string keyPrefix, string userId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Removed index entry of API key {KeyId} of user {UserId}: its create never wrote the credential")]
    private static partial void LogOrphanRemoved(ILogger logger, string keyId, string userId);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) follows plan {Plan}")]
    private static partial void LogPlanApplied(ILogger logger, string keyId, string keyPrefix, string plan);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) follows its account's lock: locked {Locked}")]
    private static partial void LogAccountLockApplied(ILogger logger, string keyId, string keyPrefix, bool locked);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "API key {KeyId} of user {UserId} rolled from {PreviousKeyPrefix} to {KeyPrefix}; the previous value works until {PreviousExpiresAt}")]
    private static partial void LogRolled(ILogger logger, string keyId, string previousKeyPrefix, string keyPrefix, string userId, DateTimeOffset previousExpiresAt);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Active-key ledger of user {UserId} recounted from {Before} to {After}")]
    private static partial void LogLedgerRepaired(ILogger logger, string userId, int before, int after);
}

using Bkmark.Core.Accounts;
using Bkmark.Core.Authorization;
using Bkmark.Core.Json;
using Bkmark.Core.Maintenance;
using Bkmark.Core.SecurityLog;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Creating, listing, changing and revoking a user's API keys. Keys may be managed with a session or
/// with a key, but a key acts only within itself (DESIGN §7): it creates and changes keys only with
/// scopes it has, an expiry no later than its own and a rate limit no higher than its own, and it
/// revokes or changes only keys whose scopes it holds. A test key (DESIGN §12) sees, creates and changes only
/// test keys: a live key is live data. A session may do anything within the plan.
/// </summary>
/// <remarks>
/// The plan's active-key limit is the <see cref="ApiKeyLedger"/>'s; a new value for a key is the <see cref="ApiKeyRoller"/>'s.
/// </remarks>
public sealed partial class ApiKeyService
{
    private readonly ApiKeyStore store;
    private readonly LiveApiKeys keys;
    private readonly ApiKeyLedger ledger;
    private readonly StepUp stepUp;
    private readonly IOrganisationKeyHolders organisations;
    private readonly AccountDirectory users;
    private readonly CredentialHasher hasher;
    private readonly IdGenerator ids;
    private readonly ExpiryIndex expiry;
    private readonly TimeProvider time;
    private readonly SecurityEventLog securityLog;
    private readonly ILogger<ApiKeyService> logger;
    private readonly ApiKeyOptions options;

    // Internal because the stores it takes are; registered with AddServiceWithInternalConstructor.
    internal ApiKeyService(
        ApiKeyStore store,
        LiveApiKeys keys,
        ApiKeyLedger ledger,
        StepUp stepUp,
        IOrganisationKeyHolders organisations,
        AccountDirectory users,
        CredentialHasher hasher,
        IdGenerator ids,
        ExpiryIndex expiry,
        TimeProvider time,
        SecurityEventLog securityLog,
        IOptions<ApiKeyOptions> options,
        ILogger<ApiKeyService> logger)
    {
        this.store = store;
        this.keys = keys;
        this.ledger = ledger;
        this.stepUp = stepUp;
        this.organisations = organisations;
        this.users = users;
        this.hasher = hasher;
        this.ids = ids;
        this.expiry = expiry;
        this.time = time;
        this.securityLog = securityLog;
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

        // A fenced key's new keys are fenced within its ranges: inside its own fence unless they ask for a narrower one.
        IReadOnlyList<string>? allowedIps = caller.AllowedIps;
        if (request.AllowedIps is not null)
        {
            (allowedIps, var ipError) = AllowedIpRanges.Parse(request.AllowedIps);
            if (ipError is not null)
            {
                errors.Add("allowedIps", ipError);
            }
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

        var rateLimit = request.RateLimitPerMinute ?? DefaultRateLimit(caller, limits);
        if (ApiKeyContainment.Within(caller, new KeyLimits(scopes!, request.ExpiresAt, rateLimit, allowedIps!)) is { } exceeded)
        {
            return exceeded;
        }

        var id = ids.NewId();
        var reserved = await ledger.ReserveAsync(ownerId, new KeySlot(id, request.ExpiresAt), limits.MaxActiveKeys, cancellationToken);
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
            RateLimitPerMinute = rateLimit,
            Environment = environment,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
            AllowedIps = string.Join(' ', allowedIps!),
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
        await securityLog.RecordAsync(caller, SecurityEventTypes.ApiKeyCreated, DetailsOf(id, keyPrefix), cancellationToken);
        return new CreatedApiKey(id, index.Name, key, keyPrefix, scopes!, request.ExpiresAt, now) { Environment = environment };
    }

    /// <summary>The user's keys that are not revoked, expired ones included (until the sweep removes them).</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string userId, CancellationToken cancellationToken) =>
        (await keys.ListAsync(userId, cancellationToken)).Select(key => ToInfo(key.Index, key.Credential)).ToList();

    /// <summary>The keys <paramref name="caller"/> may see: all of its owner's, or only the test keys for a test key (live keys are live data).</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var listed = await ListAsync(OwnerIdOf(caller), cancellationToken);
        return caller.IsTestKey ? listed.Where(key => key.Environment == KeyEnvironment.Test).ToList() : listed;
    }

    public async Task<Result<ApiKeyInfo>> GetAsync(string userId, string keyId, CancellationToken cancellationToken)
    {
        var found = await keys.FindAsync(userId, keyId, cancellationToken);
        return found is { } key ? ToInfo(key.Index, key.Credential) : LiveApiKeys.NotFound();
    }

    /// <summary>One key, if <paramref name="caller"/> may see it (see <see cref="ListAsync(Caller, CancellationToken)"/>).</summary>
    public async Task<Result<ApiKeyInfo>> GetAsync(Caller caller, string keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var found = await keys.FindAsync(OwnerIdOf(caller), keyId, cancellationToken);
        return found is { } key && ApiKeyContainment.IsVisibleTo(caller, key.Credential) ? ToInfo(key.Index, key.Credential) : LiveApiKeys.NotFound();
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

        if (changes.RateLimitPerMinute is { } rateLimit && await PlanRateLimitProblemAsync(caller, rateLimit, cancellationToken) is { } overPlan)
        {
            return overPlan;
        }

        if (!IdGenerator.IsValid(keyId))
        {
            return LiveApiKeys.NotFound();
        }

        // The key as the change would leave it must lie within the caller, and so must the key as it is: a key acts only
        // within itself (DESIGN §15). A session may widen a key only with a recent sign-in, as create and roll need.
        Problem? Refuse(ApiKeyCredentialEntity current)
        {
            var before = KeyLimits.Of(current);
            var after = new KeyLimits(
                scopes ?? before.Scopes, changes.ExpiresAt ?? before.ExpiresAt, changes.RateLimitPerMinute ?? before.RateLimitPerMinute, allowedIps ?? before.AllowedIps);
            if ((ApiKeyContainment.MayActOn(caller, current) ?? ApiKeyContainment.Within(caller, after)) is { } exceeded)
            {
                return exceeded;
            }

            return ApiKeyContainment.Widens(before, after) && stepUp.RequireRecent(caller) is { Succeeded: false } stale ? stale.Problem : null;
        }

        var ownerId = OwnerIdOf(caller);
        if (await keys.FindAsync(ownerId, keyId, cancellationToken) is not { } found)
        {
            return LiveApiKeys.NotFound();
        }

        if (Refuse(found.Credential) is { } refused)
        {
            return refused;
        }

        if (changes.ExpiresAt is { } newExpiry)
        {
            // Before the key changes: the ledger may over-count for a while, never under-count.
            await ledger.WidenAsync(ownerId, keyId, newExpiry, cancellationToken);
            await ScheduleExpiryLooksAsync(ownerId, keyId, newExpiry, cancellationToken);
        }

        var changed = await keys.ChangeAsync(ownerId, keyId, Refuse, credential =>
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
        if (!changed.Succeeded)
        {
            return changed.Problem;
        }

        var updated = ToInfo(changed.Value.Index, changed.Value.Credential);
        await securityLog.RecordAsync(caller, SecurityEventTypes.ApiKeyUpdated, DetailsOf(updated.Id, updated.KeyPrefix), cancellationToken);
        return updated;
    }

    /// <summary>Revokes the key: the next request with it (or with a rolled value still in its grace), on any instance, gets <c>TOKEN_REVOKED</c>.</summary>
    public async Task<Result<bool>> RevokeAsync(Caller caller, string keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var revoked = await RevokeKeyAsync(caller, OwnerIdOf(caller), keyId, cancellationToken);
        if (revoked.Succeeded)
        {
            await securityLog.RecordAsync(caller, SecurityEventTypes.ApiKeyRevoked, new Dictionary<string, string> { ["keyId"] = keyId }, cancellationToken);
        }

        return revoked;
    }

    /// <summary>A key is named by its id and public prefix in the security log, never by its value.</summary>
    internal static Dictionary<string, string> DetailsOf(string keyId, string keyPrefix) => new() { ["keyId"] = keyId, ["keyPrefix"] = keyPrefix };

    /// <summary>
    /// Marks every live key of the user (test keys, and a rolled key's value in its grace, included) with the account's lock,
    /// or clears it (DESIGN §16). Idempotent: a retried lock or unlock finishes an interrupted one. An organisation's keys
    /// are the organisation's (they outlive their creator's membership) and are left alone.
    /// </summary>
    internal async Task SetAccountLockedAsync(string userId, bool locked, CancellationToken cancellationToken)
    {
        foreach (var (index, credential) in await keys.ListAsync(userId, cancellationToken))
        {
            if (credential.AccountLocked == locked)
            {
                continue;
            }

            var written = await keys.ChangeAsync(userId, index.KeyId, refuse: null, c => c.AccountLocked = locked, indexChange: null, cancellationToken);
            if (written.Succeeded)
            {
                LogAccountLockApplied(logger, credential.KeyId, credential.KeyPrefix, locked);
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
                return LiveApiKeys.NotFound();
            }

            var credential = await store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, cancellationToken);
            if (credential is null)
            {
                // A create that crashed before writing the credential: nothing can authenticate; tidy up.
                await store.DeleteIndexAsync(index, cancellationToken);
                await ledger.ReleaseAsync(userId, keyId, cancellationToken);
                return true;
            }

            if (caller is not null && ApiKeyContainment.MayActOn(caller, credential) is { } refused)
            {
                return refused;
            }

            var now = time.GetUtcNow();
            if (await keys.FindPreviousAsync(index, cancellationToken) is { } previous)
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

            await ledger.ReleaseAsync(userId, keyId, cancellationToken);
            LogRevoked(logger, keyId, index.KeyPrefix, userId);
            return true;
        });

    /// <summary>
    /// Whose keys the caller creates: their own, within their plan; or, for an organisation's admin or owner
    /// acting for it, the organisation's, counted against the Team plan's limit per organisation (DESIGN §12).
    /// </summary>
    private async Task<Result<(string OwnerId, PlanKeyLimits Limits)>> KeyOwnerOfAsync(Caller caller, CancellationToken cancellationToken)
    {
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

        if (options.LimitsFor(user.Plan) is not { } limits)
        {
            // Only managers whose own account may hold keys create an organisation's (DESIGN §15).
            return ApiKeyProblems.ProPlanRequired();
        }

        if (caller.OrganisationId is not { } organisationId)
        {
            return (user.Id, limits);
        }

        // An organisation's keys work while an owner of it is on the Team plan, and count against that plan's limit.
        return await organisations.MayHoldKeysAsync(organisationId, cancellationToken)
            ? (OwnerIdOf(caller), options.LimitsFor(Plans.Team)!)
            : ApiKeyProblems.ProPlanRequired();
    }

    /// <summary>The partition the caller's keys are listed in: an organisation's keys under its library id, so they outlive whoever made them.</summary>
    internal static string OwnerIdOf(Caller caller) =>
        caller.OrganisationId is { } organisationId ? LibraryIds.Organisation(organisationId) : caller.UserId;

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

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) created for user {UserId}")]
    private static partial void LogCreated(ILogger logger, string keyId, string keyPrefix, string userId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) of user {UserId} revoked")]
    private static partial void LogRevoked(ILogger logger, string keyId, string keyPrefix, string userId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) follows its account's lock: locked {Locked}")]
    private static partial void LogAccountLockApplied(ILogger logger, string keyId, string keyPrefix, bool locked);
}

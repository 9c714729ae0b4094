using Bkmark.Core.Accounts;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// API keys and the owner's plan: Settings → Billing's overview, and keys that stop when the plan has no API access
/// and come back when it has again (written onto each key's credential, so verifying a key stays one point read).
/// </summary>
public sealed partial class ApiKeyPlans : IPlanChangeHandler
{
    private readonly LiveApiKeys keys;
    private readonly AccountDirectory users;
    private readonly TimeProvider time;
    private readonly ApiKeyOptions options;
    private readonly ILogger<ApiKeyPlans> logger;

    // Internal because the stores it takes are; registered with AddServiceWithInternalConstructor.
    internal ApiKeyPlans(LiveApiKeys keys, AccountDirectory users, TimeProvider time, IOptions<ApiKeyOptions> options, ILogger<ApiKeyPlans> logger)
    {
        this.keys = keys;
        this.users = users;
        this.time = time;
        this.options = options.Value;
        this.logger = logger;
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
        var active = limits is null ? 0 : (await keys.ListAsync(userId, cancellationToken)).Count(key => key.Credential.ExpiresAt is not { } expiresAt || expiresAt > now);
        return new PlanOverview(user.Plan, new KeyAllowance(active, limits?.MaxActiveKeys ?? 0), limits?.RateLimitPerMinute ?? 0);
    }

    /// <summary>
    /// Suspends the user's keys when their plan has no API access, and lifts the suspension when it has
    /// again. Idempotent: the billing system's retry of the same plan change repairs an interrupted one.
    /// </summary>
    public Task ApplyPlanAsync(string userId, string plan, CancellationToken cancellationToken) =>
        FollowAsync(userId, suspended: plan == Plans.Free, plan, cancellationToken);

    /// <summary>
    /// Suspends (403 <c>API_ACCESS_PRO_REQUIRED</c>) or restores every live key listed under <paramref name="ownerId"/>: a
    /// user's, or an organisation's library id when its owners' plans change (DESIGN §15). Idempotent.
    /// </summary>
    public async Task FollowAsync(string ownerId, bool suspended, string reason, CancellationToken cancellationToken)
    {
        foreach (var (index, credential) in await keys.ListAsync(ownerId, cancellationToken))
        {
            if (credential.ApiAccessSuspended == suspended)
            {
                continue;
            }

            var written = await keys.ChangeAsync(ownerId, index.KeyId, refuse: null, c => c.ApiAccessSuspended = suspended, indexChange: null, cancellationToken);
            if (written.Succeeded)
            {
                LogPlanApplied(logger, credential.KeyId, credential.KeyPrefix, reason);
            }
        }
    }

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) follows plan {Plan}")]
    private static partial void LogPlanApplied(ILogger logger, string keyId, string keyPrefix, string plan);
}

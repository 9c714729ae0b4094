using System.Text.Json.Serialization;
using Bkmark.Core.Json;
using Bkmark.Core.Maintenance;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Tokens;

namespace Bkmark.Core.Sessions;

/// <summary>
/// Sign-in sessions: creating one (with its first token pair), rotating refresh tokens, checking an
/// access token's session, listing and revoking.
/// </summary>
public sealed partial class SessionService
{
    /// <summary><c>lastActiveAt</c> is written at most this often per session, so activity costs no write on most requests.</summary>
    public static readonly TimeSpan ActivityWriteInterval = TimeSpan.FromMinutes(1);

    /// <summary>The revocation reason of the sessions a lock by support ended (<see cref="SessionEntity.RevokedReason"/>).</summary>
    internal const string AccountLockedReason = "account-locked";

    private const string AccountUnlockedReason = "account-unlocked";

    private readonly SessionStore store;
    private readonly AccessTokenService accessTokens;
    private readonly CredentialHasher hasher;
    private readonly IdGenerator ids;
    private readonly ExpiryIndex expiry;
    private readonly SecurityEventLog securityLog;
    private readonly TimeProvider time;
    private readonly TokenOptions options;
    private readonly ILogger<SessionService> logger;

    // Internal because it takes Core's internal stores; registered with AddServiceWithInternalConstructor.
    internal SessionService(
        SessionStore store,
        AccessTokenService accessTokens,
        CredentialHasher hasher,
        IdGenerator ids,
        ExpiryIndex expiry,
        SecurityEventLog securityLog,
        TimeProvider time,
        IOptions<TokenOptions> options,
        ILogger<SessionService> logger)
    {
        this.store = store;
        this.accessTokens = accessTokens;
        this.hasher = hasher;
        this.ids = ids;
        this.expiry = expiry;
        this.securityLog = securityLog;
        this.time = time;
        this.options = options.Value;
        this.logger = logger;
    }

    /// <summary>
    /// Starts a session. The session is written before its refresh credential: a crash in between
    /// leaves a visible, revocable session without a usable token, never a token without a session.
    /// </summary>
    public Task<TokenResponse> SignInAsync(string userId, string authMethod, ClientInfo client, CancellationToken cancellationToken) =>
        SignInAsync(userId, authMethod, authMethod, client, cancellationToken);

    /// <summary>
    /// Starts a session whose sign-in was proved by <c>proofMethod</c>, where that says more than the session's auth method
    /// (a backup code: DESIGN §14). The tokens carry it until the next proof.
    /// </summary>
    public async Task<TokenResponse> SignInAsync(
        string userId, string authMethod, string proofMethod, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var refreshToken = RefreshTokenFormat.Generate();
        var refreshEntity = NewRefreshEntity(refreshToken, userId, "", now);
        var session = new SessionEntity
        {
            PartitionKey = userId,
            RowKey = ids.NewId(),
            UserAgent = client.UserAgent,
            IpAddress = client.IpAddress,
            CreatedAt = now,
            LastActiveAt = now,
            AuthenticatedAt = now,
            AuthMethod = authMethod,
            ProofMethod = proofMethod,
            AbsoluteExpiresAt = now + options.SessionAbsoluteLifetime,
            RefreshExpiresAt = refreshEntity.ExpiresAt,
            CurrentRefreshPartition = refreshEntity.PartitionKey,
            CurrentRefreshRow = refreshEntity.RowKey,
        };
        refreshEntity.SessionId = session.Id;

        // Scheduled before they exist, so the sweep never misses them. Both fall due together (the session
        // can be refreshed until its first token expires) and share a shard, so this is one write (two when the
        // user and the token live in different storage accounts: each entry goes to its target's account).
        await expiry.ScheduleTogetherAsync(
            [
                new ScheduledExpiry(new ExpiryTarget(SessionExpiryHandler.KindName, session.PartitionKey, session.RowKey), session.DeletableAt()),
                RefreshExpiry(refreshEntity),
            ],
            cancellationToken);
        await store.AddAsync(session, cancellationToken);
        await store.AddRefreshTokenAsync(refreshEntity, cancellationToken);
        LogSignedIn(logger, session.Id, userId, authMethod);
        await securityLog.RecordAsync(
            new SecurityEvent(userId, SecurityEventTypes.SignInSucceeded, client, session.Id, new Dictionary<string, string> { ["method"] = authMethod }),
            cancellationToken);
        return IssueTokens(session, refreshToken);
    }

    /// <summary>Rotates a refresh token. Of concurrent refreshes with one token, exactly one gets a successor.</summary>
    public async Task<Result<TokenResponse>> RefreshAsync(string? refreshToken, CancellationToken cancellationToken)
    {
        if (!RefreshTokenFormat.TryGetPublicPrefix(refreshToken, out var publicPrefix))
        {
            return Problems.InvalidToken("The refresh token is not valid.");
        }

        var token = await hasher.FindAsync(refreshToken!, publicPrefix, store.FindRefreshTokenAsync, cancellationToken);
        if (token is null)
        {
            return Problems.InvalidToken("The refresh token is not valid.");
        }

        return await OptimisticConcurrency.RunAsync<TokenResponse>(async () =>
        {
            var now = time.GetUtcNow();
            var session = await store.FindAsync(token.UserId, token.SessionId, cancellationToken);
            if (session is null || session.RevokedAt is not null)
            {
                return Revoked(session);
            }

            // A rotated token the session still names was never replaced: its rotation stopped after the mark
            // (a 503, a crash) before any successor was handed out. A retry finishes it instead of looking like theft (§7).
            if (token.RotatedAt is { } rotatedAt && !session.IsCurrent(token))
            {
                return await RefuseReuseAsync(session, rotatedAt, now, cancellationToken);
            }

            if (now >= token.ExpiresAt)
            {
                return Problems.TokenExpired($"The refresh token expired at {BkmarkJson.FormatTime(token.ExpiresAt)}. Sign in again.");
            }

            if (now >= session.AbsoluteExpiresAt)
            {
                return Problems.TokenExpired($"This session reached its maximum lifetime at {BkmarkJson.FormatTime(session.AbsoluteExpiresAt)}. Sign in again.");
            }

            if (!await store.TryMarkRotatedAsync(token, now, cancellationToken))
            {
                // Lost the race: another refresh rotated it. Re-read and answer as a reuse within the grace.
                var rotated = await store.FindRefreshTokenAsync(token.PartitionKey, token.RowKey, cancellationToken);
                if (rotated is null)
                {
                    return Problems.InvalidToken("The refresh token is not valid.");
                }

                token = rotated;
                return RaceAttempt.Lost;
            }

            return await RotateToSuccessorAsync(session, token, now, proof: null, cancellationToken);
        });
    }

    /// <summary>
    /// Records that the person just proved who they are again (<c>authenticatedAt</c>, and how: <c>proofMethod</c>) and answers new
    /// tokens for the same session. The refresh token is rotated as a refresh would: the client's current one
    /// is spent, so a copy of it presented later is recognised as reuse.
    /// </summary>
    public Task<Result<TokenResponse>> ReauthenticateAsync(string userId, string sessionId, string proofMethod, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<TokenResponse>(async () =>
        {
            var now = time.GetUtcNow();
            var session = await store.FindAsync(userId, sessionId, cancellationToken);
            if (session is null || !session.IsActive(now))
            {
                return Revoked(session);
            }

            var current = session.CurrentRefreshPartition is { } partition && session.CurrentRefreshRow is { } row
                ? await store.FindRefreshTokenAsync(partition, row, cancellationToken)
                : null;
            if (current is { RotatedAt: null } && !await store.TryMarkRotatedAsync(current, now, cancellationToken))
            {
                // A refresh rotated it meanwhile: the session now points at its successor; decide again.
                return RaceAttempt.Lost;
            }

            return await RotateToSuccessorAsync(session, current, now, new Proof(now, proofMethod), cancellationToken);
        });

    /// <summary>
    /// Hands out the successor of <paramref name="rotated"/>: schedules and writes it, then makes it the
    /// session's current token (the commit point); a successor that lost that step is deleted again.
    /// </summary>
    private async Task<Result<TokenResponse>> RotateToSuccessorAsync(
        SessionEntity session, RefreshTokenEntity? rotated, DateTimeOffset now, Proof? proof, CancellationToken cancellationToken)
    {
        var successor = RefreshTokenFormat.Generate();
        var successorEntity = NewRefreshEntity(successor, session.UserId, session.Id, now);
        // The session's own entry needs no write: the sweep finds its deadline moved and re-schedules it.
        await expiry.ScheduleAsync([RefreshExpiry(successorEntity)], cancellationToken);
        await store.AddRefreshTokenAsync(successorEntity, cancellationToken);
        var pointed = await PointSessionAtAsync(session, rotated, successorEntity, now, proof, cancellationToken);
        if (!pointed.Succeeded)
        {
            await store.DeleteRefreshTokenAsync(successorEntity.PartitionKey, successorEntity.RowKey, cancellationToken);
            return pointed.Problem;
        }

        return IssueTokens(session, successor);
    }

    /// <summary>
    /// Checks that the session an access token names is still active: the one storage read of an
    /// authenticated request. Records activity at most once a minute.
    /// </summary>
    /// <returns>When the person last proved who they are in the session (what step-up falls back to).</returns>
    internal async Task<Result<DateTimeOffset>> CheckActiveAsync(string userId, string sessionId, CancellationToken cancellationToken)
    {
        var session = await store.FindAsync(userId, sessionId, cancellationToken);
        var now = time.GetUtcNow();

        // The token's signature was valid, so this session existed: gone now means revoked (or swept).
        if (session is null || session.RevokedAt is not null)
        {
            return Revoked(session);
        }

        if (now >= session.AbsoluteExpiresAt)
        {
            return Problems.TokenExpired($"This session reached its maximum lifetime at {BkmarkJson.FormatTime(session.AbsoluteExpiresAt)}.");
        }

        if (now - session.LastActiveAt >= ActivityWriteInterval)
        {
            await store.TryTouchAsync(session, now, cancellationToken);
            session.LastActiveAt = now;
        }

        return session.LastProofAt;
    }

    /// <summary>The user's active sessions, most recently active first; <paramref name="currentSessionId"/> is marked current.</summary>
    public async Task<IReadOnlyList<SessionView>> ListActiveAsync(string userId, string? currentSessionId, CancellationToken cancellationToken) =>
        (await ActiveSessionsAsync(userId, cancellationToken))
            .Select(s => new SessionView(s.Id, s.UserAgent, s.IpAddress, s.CreatedAt, s.LastActiveAt, s.AuthMethod, s.Id == currentSessionId))
            .ToList();

    private async Task<IReadOnlyList<SessionEntity>> ActiveSessionsAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sessions = await store.ListAsync(userId, cancellationToken);
        return sessions.Where(s => s.IsActive(now)).OrderByDescending(s => s.LastActiveAt).ToList();
    }

    /// <returns>NOT_FOUND for an unknown, already revoked, or another user's session.</returns>
    public async Task<Result<bool>> RevokeAsync(string userId, string sessionId, string reason, CancellationToken cancellationToken)
    {
        var session = await store.FindAsync(userId, sessionId, cancellationToken);
        if (session is null || !session.IsActive(time.GetUtcNow()))
        {
            return Problems.NotFound("The session");
        }

        var revoked = await RevokeAsync(session, reason, cancellationToken);
        return revoked.Succeeded ? true : revoked.Problem;
    }

    /// <summary>The person signs one of their sessions out (<c>DELETE /me/sessions/{id}</c>), recorded in their security log.</summary>
    /// <returns>NOT_FOUND for an unknown, already revoked, or another user's session.</returns>
    public async Task<Result<bool>> RevokeAsync(Caller caller, string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var revoked = await RevokeAsync(caller.UserId, sessionId, "revoked-by-user", cancellationToken);
        if (revoked.Succeeded)
        {
            await securityLog.RecordAsync(
                caller, SecurityEventTypes.SessionRevoked, new Dictionary<string, string> { ["revokedSessionId"] = sessionId }, cancellationToken);
        }

        return revoked;
    }

    /// <summary>The person signs out everywhere but here (<c>POST /me/sessions/revoke-others</c>), recorded in their security log.</summary>
    /// <returns>How many this call revoked.</returns>
    public async Task<Result<int>> RevokeOthersAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var revoked = await RevokeOthersAsync(caller.UserId, caller.SessionId!, cancellationToken);
        if (revoked.Succeeded)
        {
            await securityLog.RecordAsync(
                caller, SecurityEventTypes.SessionsRevokedOthers,
                new Dictionary<string, string> { ["revoked"] = revoked.Value.ToString(CultureInfo.InvariantCulture) }, cancellationToken);
        }

        return revoked;
    }

    /// <summary>Revokes every active session of the user but <paramref name="currentSessionId"/>.</summary>
    /// <returns>How many this call revoked.</returns>
    public Task<Result<int>> RevokeOthersAsync(string userId, string currentSessionId, CancellationToken cancellationToken) =>
        RevokeAllButAsync(userId, currentSessionId, "revoke-others", cancellationToken);

    /// <summary>Revokes every active session of the user (a password reset, a deleted account): their access tokens stop at once.</summary>
    /// <returns>How many this call revoked.</returns>
    public Task<Result<int>> RevokeAllAsync(string userId, string reason, CancellationToken cancellationToken) =>
        RevokeAllButAsync(userId, keepSessionId: null, reason, cancellationToken);

    /// <summary>
    /// Support locked the account (DESIGN §16): every active session is revoked with <see cref="AccountLockedReason"/>, so its
    /// access and refresh tokens answer <c>ACCOUNT_LOCKED</c> at the one read that finds the session revoked.
    /// </summary>
    /// <returns>How many this call revoked.</returns>
    internal Task<Result<int>> RevokeAllForLockAsync(string userId, CancellationToken cancellationToken) =>
        RevokeAllAsync(userId, AccountLockedReason, cancellationToken);

    /// <summary>
    /// Support unlocked the account: the sessions the lock ended stay ended (the person signs in again), but their tokens
    /// now answer <c>TOKEN_REVOKED</c>, no longer <c>ACCOUNT_LOCKED</c>.
    /// </summary>
    internal async Task<Result<bool>> ForgetLockAsync(string userId, CancellationToken cancellationToken)
    {
        foreach (var locked in (await store.ListAsync(userId, cancellationToken)).Where(s => s.RevokedReason == AccountLockedReason))
        {
            var session = locked;
            var forgotten = await OptimisticConcurrency.RunAsync<bool>(async () =>
            {
                session.RevokedReason = AccountUnlockedReason;
                if (await store.TryReplaceAsync(session, cancellationToken))
                {
                    return true;
                }

                // Swept meanwhile, or changed: look again.
                var fresh = await store.FindAsync(session.UserId, session.Id, cancellationToken);
                if (fresh is null || fresh.RevokedReason != AccountLockedReason)
                {
                    return false;
                }

                session = fresh;
                return RaceAttempt.Lost;
            });
            if (!forgotten.Succeeded)
            {
                return forgotten.Problem;
            }
        }

        return true;
    }

    private static Problem Revoked(SessionEntity? session) => session?.RevokedReason == AccountLockedReason
        ? Problems.AccountLocked()
        : Problems.TokenRevoked("This session has been revoked. Sign in again.");

    private async Task<Result<int>> RevokeAllButAsync(string userId, string? keepSessionId, string reason, CancellationToken cancellationToken)
    {
        var revokedCount = 0;
        foreach (var session in await ActiveSessionsAsync(userId, cancellationToken))
        {
            if (session.Id == keepSessionId)
            {
                continue;
            }

            var revoked = await RevokeAsync(session, reason, cancellationToken);
            if (!revoked.Succeeded)
            {
                return revoked.Problem;
            }

            revokedCount += revoked.Value ? 1 : 0;
        }

        return revokedCount;
    }

    /// <returns>True when this call revoked it; false when it was already revoked.</returns>
    private Task<Result<bool>> RevokeAsync(SessionEntity session, string reason, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            if (session.RevokedAt is not null)
            {
                return false;
            }

            session.RevokedAt = time.GetUtcNow();
            session.RevokedReason = reason;
            // The session is the authority: its refresh credentials stay until the sweep, so that
            // presenting one answers TOKEN_REVOKED rather than looking unknown.
            if (await store.TryReplaceAsync(session, cancellationToken))
            {
                LogRevoked(logger, session.Id, session.UserId, reason);
                return true;
            }

            var fresh = await store.FindAsync(session.UserId, session.Id, cancellationToken);
            if (fresh is null)
            {
                return false;
            }

            session = fresh;
            return RaceAttempt.Lost;
        });

    private async Task<Result<TokenResponse>> RefuseReuseAsync(SessionEntity session, DateTimeOffset rotatedAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now - rotatedAt <= options.RefreshReuseGrace)
        {
            // Two tabs refreshing at once: the other one already holds the successor.
            return Problems.TokenRevoked("This refresh token was already used. Use the newest one.");
        }

        // A rotated token presented again after the grace was copied: end the session for everyone holding it.
        var revoked = await RevokeAsync(session, "refresh-token-reuse", cancellationToken);
        if (!revoked.Succeeded)
        {
            return revoked.Problem;
        }

        if (revoked.Value)
        {
            LogReuseDetected(logger, session.Id);
        }

        return Problems.TokenRevoked("This refresh token was already used; the session has been revoked. Sign in again.");
    }

    /// <summary>
    /// Makes the successor the session's current token: the commit point of a rotation. Only a session that
    /// still names <paramref name="rotated"/> is moved on, so of two requests finishing one rotation (a retry
    /// and the request it retries) exactly one hands out a successor. Still racing after the retries, the
    /// session names the rotated token, so a retry with it finishes the rotation. With
    /// <paramref name="proof"/> it records a new proof too (a refresh records none).
    /// </summary>
    /// <returns>True when this request won; otherwise the answer for the loser.</returns>
    private Task<Result<bool>> PointSessionAtAsync(
        SessionEntity session, RefreshTokenEntity? rotated, RefreshTokenEntity successor, DateTimeOffset now, Proof? proof,
        CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            if (proof is { } proved)
            {
                session.AuthenticatedAt = proved.At;
                session.ProofMethod = proved.Method;
            }
            session.CurrentRefreshPartition = successor.PartitionKey;
            session.CurrentRefreshRow = successor.RowKey;
            session.RefreshExpiresAt = successor.ExpiresAt;
            session.LastActiveAt = now;
            if (await store.TryReplaceAsync(session, cancellationToken))
            {
                return true;
            }

            var fresh = await store.FindAsync(session.UserId, session.Id, cancellationToken);
            if (fresh is null || fresh.RevokedAt is not null)
            {
                return Problems.TokenRevoked("This session has been revoked. Sign in again.");
            }

            if (rotated is not null && !fresh.IsCurrent(rotated))
            {
                return Problems.TokenRevoked("This refresh token was already used. Use the newest one.");
            }

            session = fresh;
            return RaceAttempt.Lost;
        });

    private RefreshTokenEntity NewRefreshEntity(string refreshToken, string userId, string sessionId, DateTimeOffset now)
    {
        RefreshTokenFormat.TryGetPublicPrefix(refreshToken, out var publicPrefix);
        return new RefreshTokenEntity
        {
            PartitionKey = CredentialHasher.PartitionOf(publicPrefix),
            RowKey = hasher.Hash(refreshToken),
            UserId = userId,
            SessionId = sessionId,
            IssuedAt = now,
            ExpiresAt = now + options.RefreshTokenLifetime,
        };
    }

    private static ScheduledExpiry RefreshExpiry(RefreshTokenEntity token) =>
        new(new ExpiryTarget(RefreshTokenExpiryHandler.KindName, token.PartitionKey, token.RowKey), token.ExpiresAt);

    private TokenResponse IssueTokens(SessionEntity session, string refreshToken)
    {
        // A refresh carries the session's last proof forward; only a sign-in or re-authentication moves it.
        var accessToken = accessTokens.Issue(
            session.UserId, session.Id, AuthMethods.AmrOf(session.AuthMethod), session.LastProofAt, session.ProofMethod, out _);
        return new TokenResponse(
            accessToken,
            "Bearer",
            (int)accessTokens.Lifetime.TotalSeconds,
            refreshToken,
            (int)options.RefreshTokenLifetime.TotalSeconds,
            session.Id);
    }

    /// <summary>A proof of who the person is, made at <see cref="At"/> by <see cref="Method"/> (one of <see cref="AuthMethods"/>).</summary>
    private readonly record struct Proof(DateTimeOffset At, string Method);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Session {SessionId} started for user {UserId} by {AuthMethod}")]
    private static partial void LogSignedIn(ILogger logger, string sessionId, string userId, string authMethod);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Session {SessionId} of user {UserId} revoked ({Reason})")]
    private static partial void LogRevoked(ILogger logger, string sessionId, string userId, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Refresh token reuse detected; session {SessionId} revoked")]
    private static partial void LogReuseDetected(ILogger logger, string sessionId);
}

/// <summary>The body of a successful sign-in or refresh.</summary>
public sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    string RefreshToken,
    int RefreshExpiresIn,
    string SessionId)
{
    /// <summary>Only after a password sign-in: the device token that gives this device its own throttle counter.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeviceToken { get; init; }

    /// <summary>
    /// Only after a password sign-in whose password the breached-password range lists (DESIGN.md §17): <c>true</c>, so
    /// the client asks the person to change it. Absent otherwise, and when the range could not be read.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? PasswordBreached { get; init; }

    /// <summary>The body when the refresh token (and any device token) went into HttpOnly cookies.</summary>
    public CookieTokenResponse WithoutRefreshToken() =>
        new(AccessToken, TokenType, ExpiresIn, RefreshExpiresIn, SessionId) { PasswordBreached = PasswordBreached };
}

/// <summary>A token response whose refresh token travels in the cookie, not the body.</summary>
public sealed record CookieTokenResponse(string AccessToken, string TokenType, int ExpiresIn, int RefreshExpiresIn, string SessionId)
{
    /// <inheritdoc cref="TokenResponse.PasswordBreached"/>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? PasswordBreached { get; init; }
}

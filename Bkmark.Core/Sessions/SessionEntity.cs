namespace Bkmark.Core.Sessions;

/// <summary>
/// A signed-in device. PartitionKey = user id, RowKey = session id: listing a user's sessions and
/// "revoke all others" touch one partition; an access token's <c>sid</c> is checked by one point read.
/// </summary>
internal sealed class SessionEntity : StoredEntity
{
    public string UserId => PartitionKey;
    public string Id => RowKey;
    public string? UserAgent { get; set; }
    public string? IpAddress { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastActiveAt { get; set; }

    /// <summary>
    /// The last time the person proved who they are in this session (sign-in or re-authentication): what
    /// step-up checks. Sessions started before it was recorded have none; for them it is <see cref="CreatedAt"/>.
    /// </summary>
    public DateTimeOffset? AuthenticatedAt { get; set; }

    public DateTimeOffset LastProofAt => AuthenticatedAt ?? CreatedAt;

    /// <summary>One of <see cref="AuthMethods"/>.</summary>
    public string AuthMethod { get; set; } = AuthMethods.Password;

    /// <summary>
    /// How the proof at <see cref="AuthenticatedAt"/> was made (one of <see cref="AuthMethods"/>, a backup-code proof included),
    /// carried into every access token so step-up can tell a recovery proof (DESIGN §14). Null for sessions from before it was kept.
    /// </summary>
    public string? ProofMethod { get; set; }

    /// <summary>The sign-in can never be refreshed past this.</summary>
    public DateTimeOffset AbsoluteExpiresAt { get; set; }

    /// <summary>When the newest refresh token expires; the sweep removes the session after this.</summary>
    public DateTimeOffset RefreshExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>
    /// Why it was revoked (the reason its log line names). <see cref="SessionService.AccountLockedReason"/> makes its tokens
    /// answer <c>ACCOUNT_LOCKED</c> at the read that finds the session revoked, so the lock costs a request nothing more.
    /// </summary>
    public string? RevokedReason { get; set; }

    /// <summary>Keys of the newest refresh credential, so revoking or sweeping the session can remove it.</summary>
    public string? CurrentRefreshPartition { get; set; }

    public string? CurrentRefreshRow { get; set; }

    /// <summary>
    /// When the sweep may delete it: once it can no longer be refreshed. A revoked one stays until its
    /// newest refresh token has expired, so presenting a token of it answers TOKEN_REVOKED until then.
    /// </summary>
    public DateTimeOffset DeletableAt() =>
        RevokedAt is not null || RefreshExpiresAt < AbsoluteExpiresAt ? RefreshExpiresAt : AbsoluteExpiresAt;

    /// <summary>Whether <paramref name="token"/> is the refresh token this session was last handed out with.</summary>
    public bool IsCurrent(RefreshTokenEntity token) =>
        CurrentRefreshPartition == token.PartitionKey && CurrentRefreshRow == token.RowKey;

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && now < AbsoluteExpiresAt && now < RefreshExpiresAt;
}

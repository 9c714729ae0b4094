using Bkmark.Core.Json;
using Bkmark.Core.Library.Sandbox;
using Bkmark.Core.Telemetry;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Authenticates a raw <c>bk_</c> or <c>bk_test_</c> key on every request: one point read of its credential (never a
/// query, never a cache, so a revocation holds on the next request on every instance), the allowed
/// addresses (on the credential, so still that one read), the rate window, and <c>lastUsedAt</c> with the
/// address and browser at most once a minute. Each verification's outcome is counted in memory, for the meter and
/// the key's usage (<see cref="ApiKeyUsageCounter"/>).
/// </summary>
internal sealed partial class ApiKeyVerifier(
    ApiKeyStore store,
    CredentialHasher hasher,
    ApiKeyRateLimiter rateLimiter,
    ApiKeyUsageCounter usage,
    BkmarkMetrics metrics,
    TimeProvider time,
    ILogger<ApiKeyVerifier> logger) : IApiKeyVerifier
{
    /// <summary><c>lastUsedAt</c> is written at most this often per key (the first use at once).</summary>
    public static readonly TimeSpan LastUsedWriteInterval = TimeSpan.FromMinutes(1);

    public async Task<Result<Caller>> VerifyAsync(string rawKey, ClientInfo client, CancellationToken cancellationToken)
    {
        var (result, outcome, keyId) = await CheckAsync(rawKey, client, cancellationToken);
        // Counted in memory only: the verify path stays one point read (DESIGN §18).
        metrics.KeyVerified(KeyVerificationOutcomes.NameOf(outcome));
        if (keyId is not null)
        {
            usage.Count(keyId, outcome);
        }

        return result;
    }

    private async Task<(Result<Caller> Result, KeyVerificationOutcome Outcome, string? KeyId)> CheckAsync(
        string rawKey, ClientInfo client, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.IsWellFormed(rawKey))
        {
            return (Problems.InvalidToken("The API key is not valid."), KeyVerificationOutcome.Invalid, null);
        }

        var keyPrefix = ApiKeyFormat.KeyPrefixOf(rawKey);
        var credential = await hasher.FindAsync(rawKey, keyPrefix, store.FindCredentialAsync, cancellationToken);
        if (credential is null)
        {
            LogUnknownKey(logger, keyPrefix);
            return (Problems.InvalidToken("The API key is not valid."), KeyVerificationOutcome.Invalid, null);
        }

        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow();
        var keyId = credential.KeyId;
        // A rolled key's previous value past its grace answers as a revoked key does (DESIGN §10).
        if (credential.IsRetiredAt(now))
        {
            LogRevokedKeyUsed(logger, keyId, keyPrefix);
            return (Problems.TokenRevoked("This API key has been revoked."), KeyVerificationOutcome.Revoked, keyId);
        }

        if (credential.ExpiresAt is { } expiresAt && now >= expiresAt)
        {
            return (Problems.TokenExpired($"This API key expired at {BkmarkJson.FormatTime(expiresAt)}."), KeyVerificationOutcome.Expired, keyId);
        }

        if (credential.AccountLocked)
        {
            return (Problems.AccountLocked(), KeyVerificationOutcome.Suspended, keyId);
        }

        if (credential.ApiAccessSuspended)
        {
            return (ApiKeyProblems.ProPlanRequired(), KeyVerificationOutcome.Suspended, keyId);
        }

        // Before the rate window: a request from outside the fence must not spend the owner's quota.
        if (!AllowedIpRanges.Allows(credential.AllowedIpList, client.IpAddress))
        {
            LogIpNotAllowed(logger, keyId, keyPrefix, client.IpAddress);
            return (ApiKeyProblems.IpNotAllowed(client.IpAddress), KeyVerificationOutcome.IpRefused, keyId);
        }

        var rate = await rateLimiter.AcquireAsync(keyId, credential.RateLimitPerMinute, cancellationToken);
        if (!rate.Succeeded)
        {
            LogRateLimited(logger, keyId, keyPrefix);
            return (rate.Problem, KeyVerificationOutcome.RateLimited, keyId);
        }

        if (credential.LastUsedAt is not { } lastUsedAt || now - lastUsedAt >= LastUsedWriteInterval)
        {
            // A lost race means another request (usually on another instance) wrote it just now: fine.
            await store.TryTouchAsync(credential, now, client, cancellationToken);
        }

        var caller = new Caller(credential.UserId, CredentialType.ApiKey, credential.ScopeList, credential.ExpiresAt, KeyId: keyId)
        {
            // Read from the credential, never from the request: a test key cannot be pointed at live data.
            LibraryId = credential.IsTest ? SandboxLibrary.IdOf(credential.UserId) : credential.UserId,
            IsTestKey = credential.IsTest,
            RateLimitPerMinute = credential.RateLimitPerMinute,
            AllowedIps = credential.AllowedIpList,
            ResponseHeaders = rate.Value.Headers,
        };
        // An organisation's test key acts on the organisation's own sandbox, never on its live library (DESIGN §15).
        return (credential.OrganisationId is { } organisationId
            ? caller with { OrganisationId = organisationId, LibraryId = credential.IsTest ? SandboxLibrary.OfOrganisation(organisationId) : LibraryIds.Organisation(organisationId) }
            : caller, KeyVerificationOutcome.Ok, keyId);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Unknown API key {KeyPrefix} presented")]
    private static partial void LogUnknownKey(ILogger logger, string keyPrefix);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Revoked API key {KeyId} ({KeyPrefix}) presented")]
    private static partial void LogRevokedKeyUsed(ILogger logger, string keyId, string keyPrefix);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) rate limited")]
    private static partial void LogRateLimited(ILogger logger, string keyId, string keyPrefix);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "API key {KeyId} ({KeyPrefix}) presented from {ClientIp}, outside its allowed addresses")]
    private static partial void LogIpNotAllowed(ILogger logger, string keyId, string keyPrefix, string? clientIp);
}

using Bkmark.Core.Authorization;
using Bkmark.Core.Json;
using Bkmark.Core.Library.Sandbox;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Authenticates a raw <c>bk_</c> or <c>bk_test_</c> key on every request: one point read of its credential (never a
/// query, never a cache, so a revocation holds on the next request on every instance), the allowed
/// addresses (on the credential, so still that one read), the rate window, and <c>lastUsedAt</c> with the
/// address and browser at most once a minute.
/// </summary>
internal sealed partial class ApiKeyVerifier(
    ApiKeyStore store,
    CredentialHasher hasher,
    ApiKeyRateLimiter rateLimiter,
    TimeProvider time,
    ILogger<ApiKeyVerifier> logger) : IApiKeyVerifier
{
    /// <summary><c>lastUsedAt</c> is written at most this often per key (the first use at once).</summary>
    public static readonly TimeSpan LastUsedWriteInterval = TimeSpan.FromMinutes(1);

    public async Task<Result<Caller>> VerifyAsync(string rawKey, ClientInfo client, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.IsWellFormed(rawKey))
        {
            return Problems.InvalidToken("The API key is not valid.");
        }

        var keyPrefix = ApiKeyFormat.KeyPrefixOf(rawKey);
        var credential = await hasher.FindAsync(rawKey, keyPrefix, store.FindCredentialAsync, cancellationToken);
        if (credential is null)
        {
            LogUnknownKey(logger, keyPrefix);
            return Problems.InvalidToken("The API key is not valid.");
        }

        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow();
        // A rolled key's previous value past its grace answers as a revoked key does (DESIGN §10).
        if (credential.IsRetiredAt(now))
        {
            LogRevokedKeyUsed(logger, credential.KeyId, keyPrefix);
            return Problems.TokenRevoked("This API key has been revoked.");
        }

        if (credential.ExpiresAt is { } expiresAt && now >= expiresAt)
        {
            return Problems.TokenExpired($"This API key expired at {BkmarkJson.FormatTime(expiresAt)}.");
        }

        if (credential.AccountLocked)
        {
            return Problems.AccountLocked();
        }

        if (credential.ApiAccessSuspended)
        {
            return ApiKeyProblems.ProPlanRequired();
        }

        // Before the rate window: a request from outside the fence must not spend the owner's quota.
        if (!AllowedIpRanges.Allows(credential.AllowedIpList, client.IpAddress))
        {
            LogIpNotAllowed(logger, credential.KeyId, keyPrefix, client.IpAddress);
            return ApiKeyProblems.IpNotAllowed(client.IpAddress);
        }

        var rate = await rateLimiter.AcquireAsync(credential.KeyId, credential.RateLimitPerMinute, cancellationToken);
        if (!rate.Succeeded)
        {
            LogRateLimited(logger, credential.KeyId, keyPrefix);
            return rate.Problem;
        }

        if (credential.LastUsedAt is not { } lastUsedAt || now - lastUsedAt >= LastUsedWriteInterval)
        {
            // A lost race means another request (usually on another instance) wrote it just now: fine.
            await store.TryTouchAsync(credential, now, client, cancellationToken);
        }

        var caller = new Caller(credential.UserId, CredentialType.ApiKey, credential.ScopeList, credential.ExpiresAt, KeyId: credential.KeyId)
        {
            // Read from the credential, never from the request: a test key cannot be pointed at live data.
            LibraryId = credential.IsTest ? SandboxLibrary.IdOf(credential.UserId) : credential.UserId,
            IsTestKey = credential.IsTest,
            RateLimitPerMinute = credential.RateLimitPerMinute,
            AllowedIps = credential.AllowedIpList,
            ResponseHeaders = rate.Value.Headers,
        };
        // An organisation's test key acts on the organisation's own sandbox, never on its live library (DESIGN §15).
        return credential.OrganisationId is { } organisationId
            ? caller with { OrganisationId = organisationId, LibraryId = credential.IsTest ? SandboxLibrary.OfOrganisation(organisationId) : LibraryIds.Organisation(organisationId) }
            : caller;
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

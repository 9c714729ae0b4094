using Bkmark.Core.Accounts;
using Bkmark.Core.Email;
using Bkmark.Core.Json;
using Bkmark.Core.SecurityLog;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Leak reports from a secret-scanning partner (DESIGN §10, GitHub's partner format): each reported live key is
/// revoked at once and its owner emailed with where it was found. The answer says only whether this report
/// revoked a key, so it tells a reporter nothing about keys that are unknown, expired or already revoked.
/// </summary>
/// <remarks>
/// Every token costs the same point read whatever it looks like, so an unknown token is not told apart from a
/// known one by the work done before the revocation. A token is only ever hashed: it is never stored or logged.
/// </remarks>
public sealed partial class ApiKeyLeakReports
{
    /// <summary>As many tokens as one partner request may carry (GitHub sends far fewer).</summary>
    public const int MaxReports = 1000;

    public const string EmailTemplate = "apikey-leaked";

    // A URL or source longer than this is cut: it goes into an email and the security log, never into a lookup.
    private const int MaxLocationLength = 2048;

    private readonly ApiKeyStore store;
    private readonly ApiKeyService keys;
    private readonly AccountDirectory users;
    private readonly IOrganisationKeyHolders organisations;
    private readonly CredentialHasher hasher;
    private readonly IEmailOutbox outbox;
    private readonly TimeProvider time;
    private readonly SecurityEventLog securityLog;
    private readonly ILogger<ApiKeyLeakReports> logger;

    // Internal because the store it takes is; registered with AddServiceWithInternalConstructor.
    internal ApiKeyLeakReports(
        ApiKeyStore store,
        ApiKeyService keys,
        AccountDirectory users,
        IOrganisationKeyHolders organisations,
        CredentialHasher hasher,
        IEmailOutbox outbox,
        TimeProvider time,
        SecurityEventLog securityLog,
        ILogger<ApiKeyLeakReports> logger)
    {
        this.store = store;
        this.keys = keys;
        this.users = users;
        this.organisations = organisations;
        this.hasher = hasher;
        this.outbox = outbox;
        this.time = time;
        this.securityLog = securityLog;
        this.logger = logger;
    }

    /// <summary>Checks each reported token; each key this report revoked is recorded in its owner's security log as reported by <paramref name="reporter"/>.</summary>
    public async Task<Result<IReadOnlyList<LeakVerdict>>> ReportAsync(IReadOnlyList<LeakReport?>? reports, ClientInfo reporter, CancellationToken cancellationToken)
    {
        if (reports is null)
        {
            return Problems.Validation("body", "Send a JSON array of {token, type, url, source}.");
        }

        if (reports.Count > MaxReports)
        {
            return Problems.Validation("body", $"Send at most {MaxReports} tokens at once.");
        }

        for (var i = 0; i < reports.Count; i++)
        {
            if (string.IsNullOrEmpty(reports[i]?.Token))
            {
                return Problems.Validation($"[{i}].token", "Every entry needs the token that was found.");
            }
        }

        var verdicts = new List<LeakVerdict>(reports.Count);
        foreach (var report in reports)
        {
            verdicts.Add(await CheckAsync(report!, cancellationToken));
        }

        foreach (var key in verdicts.Select(verdict => verdict.Key).OfType<LeakedKey>())
        {
            // Where it was found, never the token: the key is named by its id and public prefix.
            await securityLog.RecordAsync(new SecurityEvent(key.UserId, SecurityEventTypes.ApiKeyLeaked, reporter, SessionId: null, new Dictionary<string, string>
            {
                ["keyId"] = key.KeyId,
                ["keyPrefix"] = key.KeyPrefix,
                ["url"] = key.Url ?? "",
                ["source"] = key.Source ?? "",
            }), cancellationToken);
        }

        return verdicts;
    }

    private async Task<LeakVerdict> CheckAsync(LeakReport report, CancellationToken cancellationToken)
    {
        var token = report.Token!;
        var tokenHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var keyPrefix = token.Length > ApiKeyFormat.KeyPrefixLength ? ApiKeyFormat.KeyPrefixOf(token) : token;
        var credential = await hasher.FindAsync(token, keyPrefix, store.FindCredentialAsync, cancellationToken);
        var now = time.GetUtcNow();
        if (!ApiKeyFormat.IsWellFormed(token)
            || credential is null
            || credential.IsRetiredAt(now)
            || credential.ExpiresAt <= now)
        {
            return new LeakVerdict(tokenHash, report.Type, Revoked: false, Key: null);
        }

        var revoked = await keys.RevokeKeyAsync(caller: null, credential.OwnerId, credential.KeyId, cancellationToken);
        if (!revoked.Succeeded)
        {
            // Revoked by its owner (or another report) in the meantime: this report revoked nothing.
            return new LeakVerdict(tokenHash, report.Type, Revoked: false, Key: null);
        }

        var key = new LeakedKey(credential.UserId, credential.KeyId, credential.KeyPrefix, Cut(report.Url), Cut(report.Source));
        LogLeakRevoked(logger, key.KeyId, key.KeyPrefix, key.UserId, key.Url);
        var index = await store.FindIndexAsync(credential.OwnerId, key.KeyId, cancellationToken);
        var values = new Dictionary<string, string>
        {
            ["keyName"] = index?.Name ?? key.KeyPrefix,
            ["keyPrefix"] = key.KeyPrefix,
            ["url"] = key.Url ?? "",
            ["source"] = key.Source ?? "",
            ["revokedAt"] = BkmarkJson.FormatTime(now),
        };
        // An organisation's key is told to the organisation's owners and admins, not to whoever made it (who may have left).
        var recipients = credential.OrganisationId is { } organisationId
            ? await organisations.ManagerEmailsAsync(organisationId, cancellationToken)
            : await users.FindByIdAsync(key.UserId, cancellationToken) is { } owner ? [owner.Email] : [];
        for (var i = 0; i < recipients.Count; i++)
        {
            await outbox.EnqueueAsync(new EmailMessage(recipients[i], EmailTemplate, values, Id: i == 0 ? $"apikey-leaked-{key.KeyId}" : $"apikey-leaked-{key.KeyId}-{i}"), cancellationToken);
        }

        return new LeakVerdict(tokenHash, report.Type, Revoked: true, key);
    }

    private static string? Cut(string? value) => value is { Length: > MaxLocationLength } ? value[..MaxLocationLength] : value;

    [LoggerMessage(EventId = 3211, Level = LogLevel.Warning, Message = "API key {KeyId} ({KeyPrefix}) of user {UserId} reported leaked at {Url}; revoked")]
    private static partial void LogLeakRevoked(ILogger logger, string keyId, string keyPrefix, string userId, string? url);
}

/// <summary>One entry of a partner's report: the token found, its type, and where (GitHub: the URL and the source, e.g. <c>content</c>).</summary>
public sealed record LeakReport(string? Token, string? Type, string? Url, string? Source)
{
    // The token is a live secret until it is revoked: keep it out of any log or debugger string.
    public override string ToString() => $"{nameof(LeakReport)} {{ Type = {Type}, Url = {Url} }}";
}

/// <summary>
/// The answer for one reported token: its SHA-256 (how the partner matches answers to its tokens), the type it
/// was reported as, and whether this report revoked a key. <see cref="Key"/> is for the security log and never
/// leaves the service's caller.
/// </summary>
public sealed record LeakVerdict(string TokenHash, string? TokenType, bool Revoked, LeakedKey? Key);

/// <summary>The key a report revoked: whose it was and where it was found.</summary>
public sealed record LeakedKey(string UserId, string KeyId, string KeyPrefix, string? Url, string? Source);

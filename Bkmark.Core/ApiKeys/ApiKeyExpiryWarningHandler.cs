using System.Runtime.CompilerServices;
using Bkmark.Core.Accounts;
using Bkmark.Core.Email;
using Bkmark.Core.Json;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Emails a key's owner 7 days and 1 day before the key expires (DESIGN §10). The sweep finds keys through the
/// expiry index: an entry (the key's index entry as target) due a week before the expiry, moved on to the day
/// before once the first warning is out.
/// </summary>
/// <remarks>
/// Each warning is sent once, even when two sweeps handle the entry at once or a sweep repeats it: the warning
/// is marked on the key's index entry (the expiry it warned about) with the entry's ETag before it is enqueued,
/// so only the sweep that wins that write enqueues, and the email carries an id the sender sends only once.
/// A key whose expiry is less than a week away when it is first looked at gets only the 1-day warning, and a key
/// created less than a day before it expires gets none.
/// </remarks>
internal sealed partial class ApiKeyExpiryWarningHandler(ApiKeyStore store, AccountDirectory users, IEmailOutbox outbox, ILogger<ApiKeyExpiryWarningHandler> logger)
    : IExpiryHandler
{
    public const string KindName = "apikey-warning";
    public const string EmailTemplate = "apikey-expiring";

    public static readonly TimeSpan WeekAhead = TimeSpan.FromDays(7);
    public static readonly TimeSpan DayAhead = TimeSpan.FromDays(1);

    public string Kind => KindName;

    /// <summary>When the sweep first looks at a key expiring at <paramref name="expiresAt"/>: the week before (or at once, if that has passed).</summary>
    public static DateTimeOffset FirstLookAt(DateTimeOffset expiresAt) =>
        expiresAt - DateTimeOffset.MinValue > WeekAhead ? expiresAt - WeekAhead : expiresAt;

    public async Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var outcome = await OptimisticConcurrency.RunAsync<ExpiryOutcome>(async () =>
        {
            var index = await store.FindIndexAsync(target.PartitionKey, target.RowKey, cancellationToken);
            if (index is null || index.RevokedAt is not null)
            {
                return ExpiryOutcome.Nothing;
            }

            var credential = await store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, cancellationToken);
            if (credential is null || credential.IsRetiredAt(now) || credential.ExpiresAt is not { } expiresAt || expiresAt <= now)
            {
                return ExpiryOutcome.Nothing;
            }

            if (expiresAt - now > WeekAhead)
            {
                // Not yet due (the expiry moved later since this was scheduled).
                return new ExpiryOutcome.Later(expiresAt - WeekAhead);
            }

            var lastDay = expiresAt - now <= DayAhead;
            // A key made (or given this expiry) closer to it than the warning's lead had no such notice to give:
            // a key created to last an hour gets no "expires tomorrow" email.
            var alreadySent = lastDay ? index.DayWarningSentFor == expiresAt : index.WeekWarningSentFor == expiresAt;
            if (alreadySent || index.CreatedAt > expiresAt - (lastDay ? DayAhead : WeekAhead))
            {
                return lastDay ? ExpiryOutcome.Nothing : new ExpiryOutcome.Later(expiresAt - DayAhead);
            }

            // Marked first, with the ETag: of two sweeps here at once, only the one whose write wins enqueues.
            var (weekBefore, dayBefore) = (index.WeekWarningSentFor, index.DayWarningSentFor);
            if (lastDay)
            {
                index.DayWarningSentFor = expiresAt;
            }
            else
            {
                index.WeekWarningSentFor = expiresAt;
            }

            if (!await store.TryReplaceIndexAsync(index, cancellationToken))
            {
                return RaceAttempt.Lost;
            }

            try
            {
                await SendAsync(index, expiresAt, now, lastDay, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Not sent: take the mark back so the next sweep tries again (if this write loses, another sweep
                // changed the entry and decides for itself), and let the sweep see the failure.
                (index.WeekWarningSentFor, index.DayWarningSentFor) = (weekBefore, dayBefore);
                await store.TryReplaceIndexAsync(index, cancellationToken);
                throw;
            }

            return lastDay ? ExpiryOutcome.Nothing : new ExpiryOutcome.Later(expiresAt - DayAhead);
        });
        return outcome.Succeeded ? outcome.Value : ExpiryOutcome.Contended;
    }

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var index in store.ScanIndexAsync(cancellationToken))
        {
            if (index is { RevokedAt: null, ExpiresAt: { } expiresAt })
            {
                yield return new ScheduledExpiry(new ExpiryTarget(KindName, index.UserId, index.KeyId), FirstLookAt(expiresAt));
            }
        }
    }

    private async Task SendAsync(ApiKeyIndexEntity index, DateTimeOffset expiresAt, DateTimeOffset now, bool lastDay, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(index.UserId, cancellationToken) is not { } owner)
        {
            return;
        }

        // Whole days left, as a person counts them: a sweep that comes a little late still says "in 7 days".
        var days = lastDay ? 1 : (int)Math.Ceiling((expiresAt - now).TotalDays);
        await outbox.EnqueueAsync(new EmailMessage(owner.Email, EmailTemplate, new Dictionary<string, string>
        {
            ["keyName"] = index.Name,
            ["keyPrefix"] = index.KeyPrefix,
            ["expiresAt"] = BkmarkJson.FormatTime(expiresAt),
            ["days"] = days.ToString(CultureInfo.InvariantCulture),
        }, Id: string.Create(CultureInfo.InvariantCulture, $"apikey-expiring-{index.KeyId}-{(lastDay ? "day" : "week")}-{expiresAt.ToUnixTimeSeconds()}")), cancellationToken);
        LogWarned(logger, index.KeyId, index.KeyPrefix, index.UserId, days);
    }

    [LoggerMessage(EventId = 3221, Level = LogLevel.Information, Message = "API key {KeyId} ({KeyPrefix}) of user {UserId}: expiry warning {Days} day(s) ahead enqueued")]
    private static partial void LogWarned(ILogger logger, string keyId, string keyPrefix, string userId, int days);
}

using System.Collections.Concurrent;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.SecurityLog;

/// <summary>
/// The account's security activity (DESIGN.md §8): one entity per event in the user's partition, newest
/// first, kept <see cref="Retention"/>. Recording costs one write on the action's own path (plus, once a
/// day per user and instance, the expiry-index entry that lets the sweep delete that day's events later);
/// authenticated reads write nothing here.
/// </summary>
public sealed partial class SecurityEventLog
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    /// <summary>Refused sign-ins under attack fold into one event per account per this window.</summary>
    public static readonly TimeSpan FoldWindow = TimeSpan.FromMinutes(1);

    // Which users' retention entry this instance already wrote today: the index write is once a day, not per event.
    private ScheduledDay scheduled = new("", new ConcurrentDictionary<string, bool>(StringComparer.Ordinal));

    private readonly SecurityEventStore store;
    private readonly ExpiryIndex expiry;
    private readonly IdGenerator ids;
    private readonly TimeProvider time;
    private readonly SecurityNotifier notifier;
    private readonly ILogger<SecurityEventLog> logger;

    // Internal because it takes Core's internal stores; registered with AddServiceWithInternalConstructor.
    internal SecurityEventLog(
        SecurityEventStore store, ExpiryIndex expiry, IdGenerator ids, TimeProvider time, SecurityNotifier notifier, ILogger<SecurityEventLog> logger)
    {
        this.store = store;
        this.expiry = expiry;
        this.ids = ids;
        this.time = time;
        this.notifier = notifier;
        this.logger = logger;
    }

    /// <summary>Records one event, then emails its owner when the event is one that has a notice (<see cref="SecurityNotifier"/>).</summary>
    public async Task RecordAsync(SecurityEvent securityEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        var now = time.GetUtcNow();
        var id = ids.NewId(now);
        await ScheduleRetentionAsync(securityEvent.UserId, now, cancellationToken);
        await store.AddAsync(NewEntity(securityEvent, id, SecurityEventEntity.RowKeyOf(now, id), now), cancellationToken);
        if (securityEvent.Details?.GetValueOrDefault(OrganisationDetail) is { Length: > 0 } organisationId)
        {
            // An organisation's event is also its own (DESIGN §15): its managers see members, roles, keys and
            // invitations change in its log, with who acted. No notice: the person's own copy has that.
            var partition = OrganisationPartition(organisationId);
            var copy = securityEvent with
            {
                UserId = partition,
                Details = new Dictionary<string, string>(securityEvent.Details) { ["actorId"] = securityEvent.UserId },
            };
            await ScheduleRetentionAsync(partition, now, cancellationToken);
            await store.AddAsync(NewEntity(copy, id, SecurityEventEntity.RowKeyOf(now, id), now), cancellationToken);
        }

        await notifier.NotifyAsync(securityEvent, cancellationToken);
    }

    /// <summary>The detail that makes an event an organisation's too: its id.</summary>
    public const string OrganisationDetail = "organisationId";

    /// <summary>A page of the organisation's own events, newest first (for its managers).</summary>
    public Task<Result<SecurityEventPage>> ListOrganisationAsync(string organisationId, string? cursor, string? limit, CancellationToken cancellationToken) =>
        ListAsync(OrganisationPartition(organisationId), cursor, limit, cancellationToken);

    private static string OrganisationPartition(string organisationId) => LibraryIds.Organisation(organisationId);

    /// <summary>
    /// Records what <paramref name="caller"/> just did to their account's security, with the request's address and
    /// browser and the caller's session. Called by the service that did it, once the change is made.
    /// </summary>
    public Task RecordAsync(Caller caller, string type, IReadOnlyDictionary<string, string>? details, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        // Acting for an organisation (its key, or a manager on its routes) makes the event the organisation's too.
        if (caller.OrganisationId is { } organisationId && details?.ContainsKey(OrganisationDetail) != true)
        {
            details = new Dictionary<string, string>(details ?? new Dictionary<string, string>()) { [OrganisationDetail] = organisationId };
        }

        return RecordAsync(new SecurityEvent(caller.UserId, type, caller.Client, caller.SessionId, details), cancellationToken);
    }

    /// <summary>
    /// Records an event that may come in floods (failed or throttled sign-ins): the first of a minute is
    /// stored, the rest of that minute raise its <c>count</c>, so an attack cannot bury the log.
    /// </summary>
    public async Task RecordFoldedAsync(SecurityEvent securityEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        var now = time.GetUtcNow();
        var windowStart = new DateTimeOffset(now.UtcTicks - now.UtcTicks % FoldWindow.Ticks, TimeSpan.Zero);
        var id = FoldedIdOf(securityEvent.Type, windowStart);
        var rowKey = SecurityEventEntity.RowKeyOf(windowStart, id);
        await ScheduleRetentionAsync(securityEvent.UserId, now, cancellationToken);
        var folded = await OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            // The first attempt of the minute inserts; the others count theirs on top of what they read.
            var existing = await store.FindAsync(securityEvent.UserId, rowKey, cancellationToken);
            var entity = NewEntity(securityEvent, id, rowKey, now);
            if (existing is not null)
            {
                entity.Count = existing.Count + 1;
                entity.ETag = existing.ETag;
            }

            return await store.TrySaveAsync(entity, cancellationToken) ? true : RaceAttempt.Lost;
        });
        if (!folded.Succeeded)
        {
            // Only under a flood of simultaneous attempts; the event exists, its count is a little low.
            LogFoldLost(logger, securityEvent.Type, securityEvent.UserId);
        }
    }

    /// <summary>
    /// Records a refused sign-in or re-authentication, folded: a wrong password or code is <c>signin.failed</c>,
    /// a lock-out <c>signin.throttled</c>; other refusals (a malformed request) are not security events.
    /// <c>partition</c> is the account's user id; for an email nobody has, a stand-in of the same cost (<see cref="UnknownAccountPartition"/>).
    /// </summary>
    public Task RecordRefusalAsync(string partition, Problem refusal, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var type = refusal.Code switch
        {
            ErrorCodes.InvalidCredentials or ErrorCodes.InvalidTwoFactorCode => SecurityEventTypes.SignInFailed,
            ErrorCodes.TooManyAttempts => SecurityEventTypes.SignInThrottled,
            _ => null,
        };
        return type is null
            ? Task.CompletedTask
            : RecordFoldedAsync(new SecurityEvent(partition, type, client, Details: new Dictionary<string, string> { ["reason"] = refusal.Code }), cancellationToken);
    }

    /// <summary>
    /// Where a refused sign-in for an email without an account is recorded: a partition nobody lists, so
    /// that an unknown email costs the same writes as a known one and the answer's timing tells nothing.
    /// </summary>
    public static string UnknownAccountPartition(string normalizedEmail) =>
        "unknown-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));

    /// <summary>A page of the user's events, newest first, not older than <see cref="Retention"/>.</summary>
    public async Task<Result<SecurityEventPage>> ListAsync(string userId, string? cursor, string? limit, CancellationToken cancellationToken)
    {
        var pageSize = PageCursor.ParseLimit(limit);
        if (!pageSize.Succeeded)
        {
            return pageSize.Problem;
        }

        var after = PageCursor.Decode(cursor, SecurityEventEntity.IsRowKey);
        if (!after.Succeeded)
        {
            return after.Problem;
        }

        // Events past retention that the sweep has not reached yet are not shown.
        var oldest = SecurityEventEntity.NotBefore(time.GetUtcNow() - Retention);
        var events = await store.ListAsync(userId, after.Value, oldest, pageSize.Value + 1, cancellationToken);

        var hasMore = events.Count > pageSize.Value;
        var page = events.Take(pageSize.Value).Select(ViewOf).ToList();
        return new SecurityEventPage(page, hasMore ? PageCursor.Encode(events[pageSize.Value - 1].RowKey) : null);
    }

    /// <summary>
    /// The user's events of <paramref name="types"/> since <paramref name="since"/> (within <see cref="Retention"/>), newest
    /// first, at most <paramref name="count"/>: one range query of the user's partition.
    /// </summary>
    public async Task<IReadOnlyList<SecurityEventView>> ListSinceAsync(
        string userId, IReadOnlyCollection<string> types, DateTimeOffset since, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(types);
        var retained = time.GetUtcNow() - Retention;
        var oldest = SecurityEventEntity.NotBefore(since > retained ? since : retained);
        return types.Count == 0
            ? []
            : (await store.ListOfTypesAsync(userId, types, oldest, count, cancellationToken)).Select(ViewOf).ToList();
    }

    /// <summary>When the user's newest event of <paramref name="type"/> within <see cref="Retention"/> happened; null when none did.</summary>
    public async Task<DateTimeOffset?> LastOccurredAtAsync(string userId, string type, CancellationToken cancellationToken)
    {
        var oldest = SecurityEventEntity.NotBefore(time.GetUtcNow() - Retention);
        return (await store.FindNewestAsync(userId, type, oldest, cancellationToken))?.OccurredAt;
    }

    /// <summary>When a day's events may be deleted: retention after the day has ended.</summary>
    internal static DateTimeOffset DeletableAt(DateTimeOffset dayStart) => dayStart.AddDays(1) + Retention;

    internal static string DayOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private async Task ScheduleRetentionAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var day = DayOf(now);
        var today = scheduled;
        if (today.Day != day)
        {
            today = scheduled = new ScheduledDay(day, new ConcurrentDictionary<string, bool>(StringComparer.Ordinal));
        }

        if (today.Users.ContainsKey(userId))
        {
            return;
        }

        // Before the event is written, so the sweep never misses a day that has events.
        var dayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        await expiry.ScheduleAsync(SecurityEventExpiryHandler.KindName, userId, day, DeletableAt(dayStart), cancellationToken);
        today.Users[userId] = true;
    }

    private static SecurityEventEntity NewEntity(SecurityEvent securityEvent, string id, string rowKey, DateTimeOffset now) => new()
    {
        PartitionKey = securityEvent.UserId,
        RowKey = rowKey,
        Id = id,
        Type = securityEvent.Type,
        OccurredAt = now,
        IpAddress = securityEvent.Client.IpAddress,
        UserAgent = securityEvent.Client.UserAgent,
        SessionId = securityEvent.SessionId,
        Details = securityEvent.Details is { Count: > 0 } details ? JsonSerializer.Serialize(details) : null,
    };

    private static SecurityEventView ViewOf(SecurityEventEntity entity)
    {
        var details = new Dictionary<string, object>(StringComparer.Ordinal);
        if (entity.Details is not null && JsonSerializer.Deserialize<Dictionary<string, string>>(entity.Details) is { } stored)
        {
            foreach (var (name, value) in stored)
            {
                details[name] = value;
            }
        }

        if (entity.Type is SecurityEventTypes.SignInFailed or SecurityEventTypes.SignInThrottled)
        {
            details["count"] = entity.Count;
        }

        return new SecurityEventView(entity.Id, entity.Type, entity.OccurredAt, entity.IpAddress, entity.UserAgent, entity.SessionId, details);
    }

    /// <summary>A ULID for the folded event of one type and minute: the same for every attempt of that minute.</summary>
    private static string FoldedIdOf(string type, DateTimeOffset windowStart)
    {
        var randomness = SHA256.HashData(Encoding.UTF8.GetBytes(type)).AsSpan(0, 10);
        return Ulid.NewUlid(windowStart, randomness).ToString();
    }

    private sealed record ScheduledDay(string Day, ConcurrentDictionary<string, bool> Users);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning, Message = "Folding a {Type} event of user {UserId} lost every race; its count is low")]
    private static partial void LogFoldLost(ILogger logger, string type, string userId);
}

/// <summary>What happened, to whom, from where. <see cref="Details"/> never holds a secret.</summary>
public sealed record SecurityEvent(
    string UserId, string Type, ClientInfo Client, string? SessionId = null, IReadOnlyDictionary<string, string>? Details = null);

/// <summary>One event as <c>GET /me/security-events</c> shows it.</summary>
public sealed record SecurityEventView(
    string Id, string Type, DateTimeOffset OccurredAt, string? IpAddress, string? UserAgent, string? SessionId, IReadOnlyDictionary<string, object> Details);

/// <summary>A page of events and the cursor of the next one (null on the last page).</summary>
public sealed record SecurityEventPage(IReadOnlyList<SecurityEventView> Data, string? NextCursor);

using Bkmark.Core.ApiKeys;
using Bkmark.Core.Organisations;
using Bkmark.Core.Passkeys;
using Bkmark.Core.PublishableKeys;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Social;

namespace Bkmark.Core.SecurityReview;

/// <summary>
/// What was added to an account lately and is still there (DESIGN.md §14, "the owner sees what an intruder added"): the
/// passkeys, social links, API keys, publishable keys, organisations joined and invitations sent of the last
/// <see cref="Window"/>, each with the address and browser that added it (joined from the security log) and the route
/// that removes it. It reads each room through its service and the log with one range query, from the oldest such
/// item on; it writes nothing.
/// </summary>
public sealed class SecurityReviewService(
    PasskeyService passkeys,
    SocialSignInService social,
    ApiKeyService apiKeys,
    PublishableKeyService publishableKeys,
    OrganisationService organisations,
    InvitationService invitations,
    SecurityEventLog securityLog,
    TimeProvider time)
{
    /// <summary>How far back the review looks.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    /// <summary>
    /// At most this many of the log's "added" events are read. A person adds far fewer things in a month; an item whose
    /// event lies beyond them (a flood of created and revoked keys) is still listed, without address and browser.
    /// </summary>
    public const int MaxEvents = 500;

    // An item is stored a moment before its event is recorded; a little slack keeps the oldest item's event in the range.
    private static readonly TimeSpan EventSlack = TimeSpan.FromMinutes(1);

    /// <summary>The review of <paramref name="caller"/>'s account, newest first.</summary>
    public async Task<SecurityReviewPage> ReviewAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var userId = caller.UserId;
        var since = time.GetUtcNow() - Window;
        var found = await Task.WhenAll(
            PasskeysAsync(userId, cancellationToken),
            SocialAccountsAsync(userId, cancellationToken),
            ApiKeysAsync(userId, cancellationToken),
            PublishableKeysAsync(userId, cancellationToken),
            OrganisationsAsync(caller, cancellationToken));
        var recent = found.SelectMany(items => items).Where(item => item.AddedAt >= since).ToList();
        if (recent.Count == 0)
        {
            return new SecurityReviewPage(since, []);
        }

        var oldest = recent.Min(item => item.AddedAt) - EventSlack;
        var events = await securityLog.ListSinceAsync(
            userId, [.. recent.SelectMany(item => item.Kind.EventTypes).Distinct()], oldest > since ? oldest : since, MaxEvents, cancellationToken);

        // Newest first: an id is added once, but should a log hold two events for it, the latest tells who added what is there.
        var addedBy = new Dictionary<(string Type, string Id), SecurityEventView>();
        foreach (var added in events)
        {
            if (added.Details.TryGetValue(IdDetailOf(added.Type), out var id) && id is string itemId)
            {
                addedBy.TryAdd((added.Type, itemId), added);
            }
        }

        return new SecurityReviewPage(since, recent
            .Select(item => ViewOf(item, item.Kind.EventTypes.Select(type => addedBy.GetValueOrDefault((type, item.Id))).FirstOrDefault(e => e is not null)))
            .OrderByDescending(view => view.AddedAt)
            .ToList());
    }

    private async Task<IEnumerable<Found>> PasskeysAsync(string userId, CancellationToken cancellationToken) =>
        (await passkeys.ListAsync(userId, cancellationToken)).Select(p => new Found(ReviewKinds.Passkey, p.Id, p.Name, p.CreatedAt, $"/me/passkeys/{p.Id}"));

    private async Task<IEnumerable<Found>> SocialAccountsAsync(string userId, CancellationToken cancellationToken) =>
        (await social.ListAsync(userId, cancellationToken)).Select(link => new Found(
            ReviewKinds.SocialAccount, link.Id, link.Email is null ? link.DisplayName : $"{link.DisplayName} ({link.Email})", link.CreatedAt,
            $"/me/social-accounts/{link.Id}"));

    private async Task<IEnumerable<Found>> ApiKeysAsync(string userId, CancellationToken cancellationToken) =>
        (await apiKeys.ListAsync(userId, cancellationToken)).Select(key =>
            new Found(ReviewKinds.ApiKey, key.Id, $"{key.Name} ({key.KeyPrefix}…)", key.CreatedAt, $"/api-keys/{key.Id}"));

    private async Task<IEnumerable<Found>> PublishableKeysAsync(string userId, CancellationToken cancellationToken) =>
        (await publishableKeys.ListAsync(userId, cancellationToken)).Select(key =>
            new Found(ReviewKinds.PublishableKey, key.Id, key.Name, key.CreatedAt, $"/publishable-keys/{key.Id}"));

    /// <summary>The organisations joined, and the invitations the person sent that are still pending (only a manager sends any).</summary>
    private async Task<IEnumerable<Found>> OrganisationsAsync(Caller caller, CancellationToken cancellationToken)
    {
        var memberships = await organisations.ListMembershipsAsync(caller.UserId, cancellationToken);
        var sent = await Task.WhenAll(memberships.Where(m => m.Organisation.Role != OrganisationRoles.Member).Select(async membership =>
        {
            var organisation = membership.Organisation;
            var pending = await invitations.ListAsync(caller, organisation.Id, cancellationToken);
            return pending.Succeeded
                ? pending.Value.Where(invitation => invitation.InvitedBy == caller.UserId).Select(invitation => new Found(
                    ReviewKinds.Invitation, invitation.Id, $"{invitation.Email} as {invitation.Role} of {organisation.Name}", invitation.CreatedAt,
                    $"/orgs/{organisation.Id}/invitations/{invitation.Id}"))
                : [];
        }));
        return memberships
            .Select(m => new Found(ReviewKinds.Organisation, m.Organisation.Id, $"{m.Organisation.Name} ({m.Organisation.Role})", m.JoinedAt, $"/orgs/{m.Organisation.Id}/leave"))
            .Concat(sent.SelectMany(invitation => invitation));
    }

    private static string IdDetailOf(string eventType) => ReviewKinds.All.First(kind => kind.EventTypes.Contains(eventType)).IdDetail;

    private static SecurityReviewItem ViewOf(Found item, SecurityEventView? added) => new(
        item.Kind.Name,
        item.Id,
        item.Name,
        item.AddedAt,
        added?.IpAddress,
        added?.UserAgent,
        UserAgents.Describe(added?.UserAgent, "Unknown browser"),
        new ReviewRemoval(item.Kind.RemoveMethod, item.RemovePath));

    private sealed record Found(ReviewKind Kind, string Id, string Name, DateTimeOffset AddedAt, string RemovePath);
}

/// <summary>The review: what was added since <paramref name="Since"/> and is still there, newest first.</summary>
public sealed record SecurityReviewPage(DateTimeOffset Since, IReadOnlyList<SecurityReviewItem> Data);

/// <summary>
/// One thing added to the account: its <paramref name="Kind"/> (one of <see cref="ReviewKinds"/>), when, from which
/// address and browser (null when the log does not tell, e.g. past its retention), and how to remove it.
/// </summary>
public sealed record SecurityReviewItem(
    string Kind, string Id, string Name, DateTimeOffset AddedAt, string? IpAddress, string? UserAgent, string Browser, ReviewRemoval Remove);

/// <summary>The request that removes an item: <paramref name="Path"/> is under the API's base, <c>/api/v1</c>.</summary>
public sealed record ReviewRemoval(string Method, string Path);

/// <summary>
/// A kind of thing the review lists: the events that record its adding, the detail in them that names it, and the
/// method of the route that removes it.
/// </summary>
public sealed record ReviewKind(string Name, IReadOnlyList<string> EventTypes, string IdDetail, string RemoveMethod);

/// <summary>Every kind of thing the review lists.</summary>
public static class ReviewKinds
{
    public static ReviewKind Passkey { get; } =
        new("passkey", [SecurityEventTypes.PasskeyAdded], "passkeyId", "DELETE");

    public static ReviewKind SocialAccount { get; } =
        new("social_account", [SecurityEventTypes.SocialLinked], "socialAccountId", "DELETE");

    public static ReviewKind ApiKey { get; } =
        new("api_key", [SecurityEventTypes.ApiKeyCreated], "keyId", "DELETE");

    public static ReviewKind PublishableKey { get; } =
        new("publishable_key", [SecurityEventTypes.PublishableKeyCreated], "keyId", "DELETE");

    /// <summary>Joined by an invitation, or made (its creator is its first owner).</summary>
    public static ReviewKind Organisation { get; } =
        new("organisation", [SecurityEventTypes.OrganisationJoined, SecurityEventTypes.OrganisationCreated], "organisationId", "POST");

    /// <summary>A pending invitation the person sent: whoever accepts it joins.</summary>
    public static ReviewKind Invitation { get; } =
        new("invitation", [SecurityEventTypes.OrganisationMemberInvited], "invitationId", "DELETE");

    public static IReadOnlyList<ReviewKind> All { get; } = [Passkey, SocialAccount, ApiKey, PublishableKey, Organisation, Invitation];
}

using Bkmark.Core.Accounts;
using Bkmark.Core.SecurityLog;

namespace Bkmark.Core.Organisations;

/// <summary>An organisation as one of its members sees it.</summary>
public sealed record OrganisationView(string Id, string Name, string Role, DateTimeOffset CreatedAt);

/// <summary>One of a person's organisations, and when they joined it.</summary>
public sealed record OrganisationMembership(OrganisationView Organisation, DateTimeOffset JoinedAt);

public sealed record MemberView(string UserId, string Email, string Role, DateTimeOffset JoinedAt);

/// <summary>A member support made an owner (DESIGN §16), their organisation, and whether they were not one already.</summary>
public sealed record OwnerAppointment(OrganisationView Organisation, MemberView Member, bool Changed);

/// <summary>
/// Organisations (DESIGN §12): creating one (Team plan), the caller's memberships, members and their roles,
/// removal and leaving. Every change of membership goes through the roster in the organisation's row with its
/// ETag, so the rule "never without an owner" holds however many demotions, removals and departures race.
/// </summary>
/// <remarks>
/// After the roster, the member's own row (what requests read) is brought in line with it. Each row remembers
/// the roster version it reflects, so two changes racing for the same member leave the row at the later one.
/// A crash between the two writes leaves the row at the old role until the change is retried, which repairs it.
/// </remarks>
public sealed partial class OrganisationService
{
    private readonly OrganisationStore store;
    private readonly OrganisationKeyHolders keyHolders;
    private readonly AccountDirectory users;
    private readonly IdGenerator ids;
    private readonly TimeProvider time;
    private readonly SecurityEventLog securityLog;
    private readonly ILogger<OrganisationService> logger;
    private readonly OrganisationOptions options;

    // Internal because the store it takes is; registered with AddServiceWithInternalConstructor.
    internal OrganisationService(
        OrganisationStore store,
        OrganisationKeyHolders keyHolders,
        AccountDirectory users,
        IdGenerator ids,
        TimeProvider time,
        SecurityEventLog securityLog,
        IOptions<OrganisationOptions> options,
        ILogger<OrganisationService> logger)
    {
        this.store = store;
        this.keyHolders = keyHolders;
        this.users = users;
        this.ids = ids;
        this.time = time;
        this.securityLog = securityLog;
        this.logger = logger;
        this.options = options.Value;
    }

    /// <summary>Creates an organisation whose owner is the caller, who must be on the Team plan.</summary>
    public async Task<Result<OrganisationView>> CreateAsync(Caller caller, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new FieldErrors();
        if (errors.Name("name", name) is not { } trimmed)
        {
            return errors.Problem!;
        }

        var user = await users.FindByIdAsync(caller.UserId, cancellationToken);
        if (user is null)
        {
            return Problems.NotFound("The user");
        }

        if (user.EmailVerifiedAt is null)
        {
            return AccountProblems.EmailNotVerified();
        }

        if (user.Plan != Plans.Team)
        {
            return OrganisationProblems.TeamPlanRequired();
        }

        var now = time.GetUtcNow();
        var organisation = new OrganisationEntity { PartitionKey = ids.NewId(), Name = trimmed, CreatedBy = user.Id, CreatedAt = now };
        organisation.WriteRoster(new Dictionary<string, string> { [user.Id] = OrganisationRoles.Owner });

        await store.AddMembershipAsync(new MembershipEntity { PartitionKey = user.Id, RowKey = organisation.OrganisationId, Name = trimmed }, cancellationToken);
        await store.AddAsync(organisation, cancellationToken);
        await SyncMemberAsync(organisation, user.Id, user.Email, cancellationToken);
        LogCreated(logger, organisation.OrganisationId, user.Id);
        await securityLog.RecordAsync(
            caller, SecurityEventTypes.OrganisationCreated, OrganisationEvents.DetailsOf(organisation.OrganisationId), cancellationToken);
        return new OrganisationView(organisation.OrganisationId, trimmed, OrganisationRoles.Owner, now);
    }

    /// <summary>The organisations the user is a member of, with their role in each.</summary>
    public async Task<IReadOnlyList<OrganisationView>> ListAsync(string userId, CancellationToken cancellationToken) =>
        (await ListMembershipsAsync(userId, cancellationToken)).Select(membership => membership.Organisation).ToList();

    /// <summary>The organisations the user is a member of, with their role in each and when they joined it.</summary>
    public async Task<IReadOnlyList<OrganisationMembership>> ListMembershipsAsync(string userId, CancellationToken cancellationToken)
    {
        var memberships = await store.ListMembershipsAsync(userId, cancellationToken);
        var views = await Task.WhenAll(memberships.Select(async membership =>
        {
            var member = await store.FindMemberAsync(membership.OrganisationId, userId, cancellationToken);
            var organisation = member is null ? null : await store.FindAsync(membership.OrganisationId, cancellationToken);
            return organisation is null ? null : new OrganisationMembership(ToView(organisation, member!.Role), member.JoinedAt);
        }));
        return views.OfType<OrganisationMembership>().ToList();
    }

    public async Task<Result<OrganisationView>> GetAsync(Caller caller, string organisationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var member = await FindMemberAsync(organisationId, caller.UserId, cancellationToken);
        var organisation = member is null ? null : await store.FindAsync(organisationId, cancellationToken);
        return organisation is null ? OrganisationProblems.NotFound() : ToView(organisation, member!.Role);
    }

    /// <summary>The organisation's members, for any of them.</summary>
    public async Task<Result<IReadOnlyList<MemberView>>> ListMembersAsync(Caller caller, string organisationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await FindMemberAsync(organisationId, caller.UserId, cancellationToken) is null)
        {
            return OrganisationProblems.NotFound();
        }

        var members = await store.ListMembersAsync(organisationId, cancellationToken);
        return members.Select(ToView).ToList();
    }

    /// <summary>
    /// Gives a member another role. Admins and owners change admins and members; only an owner makes or
    /// unmakes an owner; the last owner cannot be demoted.
    /// </summary>
    public async Task<Result<MemberView>> ChangeRoleAsync(
        Caller caller, string organisationId, string userId, string? role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!OrganisationRoles.IsKnown(role))
        {
            return Problems.Validation("role", $"The role must be one of: {string.Join(", ", OrganisationRoles.All)}.");
        }

        var ownersChanged = false;
        var changed = await ChangeRosterAsync(organisationId, caller.UserId, (roster, actorRole) =>
        {
            if (!roster.TryGetValue(userId, out var current))
            {
                return Problems.NotFound("The member");
            }

            ownersChanged = current == OrganisationRoles.Owner || role == OrganisationRoles.Owner;
            if (ownersChanged && actorRole != OrganisationRoles.Owner)
            {
                return OrganisationProblems.RoleRequired("owners");
            }

            roster[userId] = role!;
            return null;
        }, cancellationToken);
        if (!changed.Succeeded)
        {
            return changed.Problem;
        }

        var member = await SyncMemberAsync(changed.Value, userId, email: null, cancellationToken);
        if (ownersChanged)
        {
            await keyHolders.FollowOwnersAsync(organisationId, cancellationToken);
        }

        LogRoleChanged(logger, organisationId, userId, role!, caller.UserId);
        if (member is null)
        {
            return Problems.NotFound("The member");
        }

        await securityLog.RecordAsync(
            caller, SecurityEventTypes.OrganisationMemberRoleChanged, OrganisationEvents.DetailsOf(organisationId, userId, member.Role), cancellationToken);
        return ToView(member);
    }

    /// <summary>
    /// Removes a member: their sessions lose the organisation on the next request (it reads their member row),
    /// while the organisation's keys keep working. Owners are removed only by owners; leaving is for oneself.
    /// </summary>
    public async Task<Result<bool>> RemoveAsync(Caller caller, string organisationId, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (userId == caller.UserId)
        {
            return Problems.Validation("userId", "To leave the organisation yourself, use POST /api/v1/orgs/{orgId}/leave.");
        }

        var removed = await RemoveFromRosterAsync(caller, organisationId, userId, (roster, actorRole) =>
            roster.TryGetValue(userId, out var current) && current == OrganisationRoles.Owner && actorRole != OrganisationRoles.Owner
                ? OrganisationProblems.RoleRequired("owners")
                : null, cancellationToken);
        if (removed.Succeeded)
        {
            await securityLog.RecordAsync(
                caller, SecurityEventTypes.OrganisationMemberRemoved, OrganisationEvents.DetailsOf(organisationId, userId), cancellationToken);
        }

        return removed;
    }

    /// <summary>The caller leaves the organisation, unless they are its last owner.</summary>
    public async Task<Result<bool>> LeaveAsync(Caller caller, string organisationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var left = await RemoveFromRosterAsync(caller, organisationId, caller.UserId, (_, _) => null, cancellationToken);
        if (left.Succeeded)
        {
            await securityLog.RecordAsync(caller, SecurityEventTypes.OrganisationLeft, OrganisationEvents.DetailsOf(organisationId), cancellationToken);
        }

        return left;
    }

    /// <summary>
    /// Adds the user with <paramref name="role"/> (an accepted invitation). A member already keeps their role:
    /// an old invitation never demotes anyone.
    /// </summary>
    internal async Task<Result<OrganisationView>> JoinAsync(
        string organisationId, string userId, string email, string role, CancellationToken cancellationToken)
    {
        var organisation = await store.FindAsync(organisationId, cancellationToken);
        if (organisation is null)
        {
            return OrganisationProblems.NotFound();
        }

        // The user's entry first: once the roster names them, they can always find the organisation.
        await store.AddMembershipAsync(new MembershipEntity { PartitionKey = userId, RowKey = organisationId, Name = organisation.Name }, cancellationToken);
        var joined = await OptimisticConcurrency.RunAsync<OrganisationEntity>(async () =>
        {
            var current = await store.FindAsync(organisationId, cancellationToken);
            if (current is null)
            {
                return OrganisationProblems.NotFound();
            }

            var roster = current.ReadRoster();
            if (roster.ContainsKey(userId))
            {
                return current;
            }

            if (roster.Count >= options.MaxMembers)
            {
                return Problems.Conflict($"The organisation has reached its limit of {options.MaxMembers} members.");
            }

            roster[userId] = role;
            current.WriteRoster(roster);
            return await store.TryReplaceAsync(current, cancellationToken) ? current : RaceAttempt.Lost;
        }, OptimisticConcurrency.HotRowAttempts);
        if (!joined.Succeeded)
        {
            return joined.Problem;
        }

        var member = await SyncMemberAsync(joined.Value, userId, email, cancellationToken);
        LogJoined(logger, organisationId, userId, member?.Role ?? role);
        return ToView(joined.Value, member?.Role ?? role);
    }

    /// <summary>
    /// DESIGN.md §14, for an account being deleted: refused with <c>ORGANISATION_OWNER_REQUIRED</c> while it is the only
    /// owner of an organisation that has other members (only owners make owners, so it would be ownerless for ever);
    /// otherwise it leaves every organisation, and one it is alone in is deleted with it. Everything is checked before
    /// anything is changed.
    /// </summary>
    /// <returns>The ids of the organisations deleted with the account, whose keys the caller revokes.</returns>
    internal async Task<Result<IReadOnlyList<string>>> RemoveDeletedAccountAsync(string userId, CancellationToken cancellationToken)
    {
        var organisations = new List<OrganisationEntity>();
        foreach (var membership in await store.ListMembershipsAsync(userId, cancellationToken))
        {
            if (await store.FindAsync(membership.RowKey, cancellationToken) is not { } organisation)
            {
                continue;
            }

            var roster = organisation.ReadRoster();
            if (roster.Count > 1 && roster.GetValueOrDefault(userId) == OrganisationRoles.Owner && roster.Count(m => m.Value == OrganisationRoles.Owner) == 1)
            {
                return OrganisationProblems.OwnerRequired(organisation.Name);
            }

            organisations.Add(organisation);
        }

        var deleted = new List<string>();
        var self = new Caller(userId, CredentialType.Session, Scopes.All, ExpiresAt: null);
        foreach (var organisation in organisations)
        {
            var alone = organisation.ReadRoster().Keys.All(member => member == userId);
            if (alone && await store.TryDeleteAsync(organisation, cancellationToken) != DeleteOutcome.Changed)
            {
                if (await store.FindMemberAsync(organisation.OrganisationId, userId, cancellationToken) is { } member)
                {
                    await store.TryDeleteMemberAsync(member, cancellationToken);
                }

                await store.DeleteMembershipAsync(userId, organisation.OrganisationId, cancellationToken);
                LogDeletedWithOwner(logger, organisation.OrganisationId, userId);
                deleted.Add(organisation.OrganisationId);
                continue;
            }

            // Someone joined since it was read (or it never was theirs alone): leaving refuses to strand it without an owner.
            var left = await RemoveFromRosterAsync(self, organisation.OrganisationId, userId, (_, _) => null, cancellationToken);
            if (!left.Succeeded && left.Problem.Code != ErrorCodes.NotFound)
            {
                return left.Problem.Code == ErrorCodes.LastOwner ? OrganisationProblems.OwnerRequired(organisation.Name) : left.Problem;
            }
        }

        return deleted;
    }

    /// <summary>The caller's member row, when they are a manager (admin or owner) of the organisation.</summary>
    internal async Task<Result<MemberEntity>> FindManagerAsync(string organisationId, string userId, CancellationToken cancellationToken)
    {
        var member = await FindMemberAsync(organisationId, userId, cancellationToken);
        if (member is null)
        {
            return OrganisationProblems.NotFound();
        }

        return OrganisationRoles.CanManage(member.Role) ? member : OrganisationProblems.RoleRequired("admins and owners");
    }

    /// <summary>One point read; none for an id that cannot be an organisation's.</summary>
    internal Task<MemberEntity?> FindMemberAsync(string organisationId, string userId, CancellationToken cancellationToken) =>
        IdGenerator.IsValid(organisationId) ? store.FindMemberAsync(organisationId, userId, cancellationToken) : Task.FromResult<MemberEntity?>(null);

    internal Task<OrganisationEntity?> FindAsync(string organisationId, CancellationToken cancellationToken) =>
        store.FindAsync(organisationId, cancellationToken);

    /// <summary>
    /// Removes <paramref name="userId"/> from the roster (the one commit point), then deletes their member row (what
    /// requests read) and membership entry. If a later write fails, the removal answers with that failure and a retry
    /// completes it: a user off the roster whose member row is still there is a removal that stopped half-way (DESIGN §15).
    /// </summary>
    private async Task<Result<bool>> RemoveFromRosterAsync(
        Caller caller, string organisationId, string userId, Func<Dictionary<string, string>, string, Problem?> mayRemove, CancellationToken cancellationToken)
    {
        if (await FinishHalfDoneRemovalAsync(caller, organisationId, userId, cancellationToken) is { } finished)
        {
            return finished;
        }

        var wasOwner = false;
        var changed = await ChangeRosterAsync(organisationId, caller.UserId, (roster, actorRole) =>
        {
            if (!roster.TryGetValue(userId, out var current))
            {
                return Problems.NotFound("The member");
            }

            if (mayRemove(roster, actorRole) is { } refused)
            {
                return refused;
            }

            wasOwner = current == OrganisationRoles.Owner;
            roster.Remove(userId);
            return null;
        }, cancellationToken, actorMustManage: userId != caller.UserId);
        if (!changed.Succeeded)
        {
            return changed.Problem;
        }

        return await CompleteRemovalAsync(changed.Value, userId, caller.UserId, wasOwner, cancellationToken);
    }

    /// <summary>
    /// A retry of a removal whose roster write landed but whose member row was not deleted: finishes it, for the same
    /// people who may start one (a manager of the organisation, or the member leaving). Null when there is none to finish.
    /// </summary>
    private async Task<Result<bool>?> FinishHalfDoneRemovalAsync(Caller caller, string organisationId, string userId, CancellationToken cancellationToken)
    {
        var organisation = IdGenerator.IsValid(organisationId) ? await store.FindAsync(organisationId, cancellationToken) : null;
        var roster = organisation?.ReadRoster();
        if (roster is null || roster.ContainsKey(userId) || await store.FindMemberAsync(organisationId, userId, cancellationToken) is not { } stale
            || stale.RosterVersion >= organisation!.Version)
        {
            return null;
        }

        var actorMayFinish = caller.UserId == userId || roster.TryGetValue(caller.UserId, out var actorRole) && OrganisationRoles.CanManage(actorRole);
        if (!actorMayFinish)
        {
            return null;
        }

        return await CompleteRemovalAsync(organisation, userId, caller.UserId, stale.Role == OrganisationRoles.Owner, cancellationToken);
    }

    private async Task<Result<bool>> CompleteRemovalAsync(
        OrganisationEntity organisation, string userId, string actorId, bool wasOwner, CancellationToken cancellationToken)
    {
        await SyncMemberAsync(organisation, userId, email: null, cancellationToken);
        if (await store.FindMemberAsync(organisation.OrganisationId, userId, cancellationToken) is { } left && left.RosterVersion <= organisation.Version)
        {
            // The delete kept losing its race: the row still grants access, so the removal is not done; a retry finishes it.
            return Problems.ConcurrentChange();
        }

        await store.DeleteMembershipAsync(userId, organisation.OrganisationId, cancellationToken);
        if (wasOwner)
        {
            await keyHolders.FollowOwnersAsync(organisation.OrganisationId, cancellationToken);
        }

        LogRemoved(logger, organisation.OrganisationId, userId, actorId);
        return true;
    }

    /// <summary>
    /// Bkmark support makes a member an owner (DESIGN §16): the rescue of an organisation whose owners were deleted or locked.
    /// Through the roster like every change of role, so it holds however the organisation's own changes race it.
    /// </summary>
    internal async Task<Result<OwnerAppointment>> AppointOwnerAsync(string organisationId, string userId, CancellationToken cancellationToken)
    {
        var wasOwner = false;
        var changed = await ChangeRosterAsync(organisationId, actorId: null, (roster, _) =>
        {
            if (!roster.TryGetValue(userId, out var current))
            {
                return Problems.Validation("userId", "This user is not a member of the organisation; only a member can be made its owner.");
            }

            wasOwner = current == OrganisationRoles.Owner;
            roster[userId] = OrganisationRoles.Owner;
            return null;
        }, cancellationToken);
        if (!changed.Succeeded)
        {
            return changed.Problem;
        }

        var member = await SyncMemberAsync(changed.Value, userId, email: null, cancellationToken);
        if (member is null)
        {
            return Problems.NotFound("The member");
        }

        LogOwnerAppointed(logger, organisationId, userId);
        return new OwnerAppointment(ToView(changed.Value, OrganisationRoles.Owner), ToView(member), Changed: !wasOwner);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the roster as the actor's role there allows, and writes it with the
    /// organisation's ETag. Refuses a change that would leave no owner, however the concurrent changes fall.
    /// </summary>
    private Task<Result<OrganisationEntity>> ChangeRosterAsync(
        string organisationId,
        string? actorId,
        Func<Dictionary<string, string>, string, Problem?> change,
        CancellationToken cancellationToken,
        bool actorMustManage = true) =>
        OptimisticConcurrency.RunAsync<OrganisationEntity>(async () =>
        {
            var organisation = IdGenerator.IsValid(organisationId) ? await store.FindAsync(organisationId, cancellationToken) : null;
            var roster = organisation?.ReadRoster();
            // No actor is Bkmark support, who acts with an owner's rights.
            var actorRole = OrganisationRoles.Owner;
            if (roster is null || (actorId is not null && !roster.TryGetValue(actorId, out actorRole)))
            {
                return OrganisationProblems.NotFound();
            }

            if (actorMustManage && !OrganisationRoles.CanManage(actorRole))
            {
                return OrganisationProblems.RoleRequired("admins and owners");
            }

            if (change(roster, actorRole) is { } refused)
            {
                return refused;
            }

            if (!roster.ContainsValue(OrganisationRoles.Owner))
            {
                return OrganisationProblems.LastOwner();
            }

            organisation!.WriteRoster(roster);
            return await store.TryReplaceAsync(organisation, cancellationToken) ? organisation : RaceAttempt.Lost;
        }, OptimisticConcurrency.HotRowAttempts);

    /// <summary>
    /// Brings the member's row in line with <paramref name="organisation"/>'s roster: written with the role, or
    /// deleted when they are no longer on it. A row that already reflects a later roster is left alone.
    /// </summary>
    /// <returns>The row as it now is; null when the user is not a member.</returns>
    private async Task<MemberEntity?> SyncMemberAsync(OrganisationEntity organisation, string userId, string? email, CancellationToken cancellationToken)
    {
        var roster = organisation.ReadRoster();
        var synced = await OptimisticConcurrency.RunAsync<MemberEntity?>(async () =>
        {
            var member = await store.FindMemberAsync(organisation.OrganisationId, userId, cancellationToken);
            if (member is not null && member.RosterVersion >= organisation.Version)
            {
                return member;
            }

            if (!roster.TryGetValue(userId, out var role))
            {
                if (member is not null && await store.TryDeleteMemberAsync(member, cancellationToken) == DeleteOutcome.Changed)
                {
                    return RaceAttempt.Lost;
                }

                return (MemberEntity?)null;
            }

            member ??= new MemberEntity
            {
                PartitionKey = organisation.OrganisationId,
                RowKey = userId,
                Email = email ?? "",
                JoinedAt = time.GetUtcNow(),
            };
            member.Role = role;
            member.RosterVersion = organisation.Version;
            return await store.TryWriteMemberAsync(member, cancellationToken) ? member : RaceAttempt.Lost;
        });
        return synced.Succeeded ? synced.Value : null;
    }

    private static OrganisationView ToView(OrganisationEntity organisation, string role) =>
        new(organisation.OrganisationId, organisation.Name, role, organisation.CreatedAt);

    private static MemberView ToView(MemberEntity member) => new(member.UserId, member.Email, member.Role, member.JoinedAt);

    [LoggerMessage(EventId = 19001, Level = LogLevel.Information, Message = "Organisation {OrganisationId} created by user {UserId}")]
    private static partial void LogCreated(ILogger logger, string organisationId, string userId);

    [LoggerMessage(EventId = 19002, Level = LogLevel.Information, Message = "User {UserId} joined organisation {OrganisationId} as {Role}")]
    private static partial void LogJoined(ILogger logger, string organisationId, string userId, string role);

    [LoggerMessage(EventId = 19003, Level = LogLevel.Information, Message = "User {UserId} of organisation {OrganisationId} is now {Role} (changed by {ActorId})")]
    private static partial void LogRoleChanged(ILogger logger, string organisationId, string userId, string role, string actorId);

    [LoggerMessage(EventId = 19006, Level = LogLevel.Information, Message = "User {UserId} made an owner of organisation {OrganisationId} by support")]
    private static partial void LogOwnerAppointed(ILogger logger, string organisationId, string userId);

    [LoggerMessage(EventId = 19009, Level = LogLevel.Information, Message = "Organisation {OrganisationId} deleted with the account of its only member {UserId}")]
    private static partial void LogDeletedWithOwner(ILogger logger, string organisationId, string userId);

    [LoggerMessage(EventId = 19004, Level = LogLevel.Information, Message = "User {UserId} left or was removed from organisation {OrganisationId} (by {ActorId})")]
    private static partial void LogRemoved(ILogger logger, string organisationId, string userId, string actorId);
}

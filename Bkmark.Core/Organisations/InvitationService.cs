using Bkmark.Core.Accounts;
using Bkmark.Core.Authorization;
using Bkmark.Core.Email;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Throttling;

namespace Bkmark.Core.Organisations;

/// <summary>An invitation as its sender sees it; the token is only ever in the email.</summary>
public sealed record InvitationView(string Email, string Role, DateTimeOffset ExpiresAt)
{
    public string? Id { get; init; }
}

/// <summary>A pending invitation as the organisation's managers see it (DESIGN §15): who was invited, as what, by whom, until when.</summary>
public sealed record PendingInvitation(string Id, string Email, string Role, string InvitedBy, string InvitedByEmail, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Invitations to an organisation (DESIGN §12, §9): an admin or owner invites an address with a role; the email
/// carries a single-use link valid <see cref="OrganisationOptions.InvitationLifetime"/>; the person signed in
/// with that address accepts it once.
/// </summary>
/// <remarks>
/// The token (<c>inv_</c> + 32 hex, 128 bits) is stored only as its HMAC, found by one point read of its hashed
/// prefix (DESIGN §3). Accepting claims the user's throttle slot before the token is looked at, spends the
/// invitation with its ETag (so of N concurrent accepts one wins), then joins. An invitation for another address
/// is answered like an unknown one: a forwarded link does not let its reader in, nor tell them whom it was for.
/// </remarks>
public sealed partial class InvitationService
{
    public const string TemplateName = "organisation-invitation";
    public const string TokenPrefix = "inv_";
    private const int TokenBytes = 16;
    private const int PublicPrefixLength = 12;
    private const int MaxEmailLength = 254;

    private static readonly ThrottlePolicy AcceptPolicy = new("organisation-invitation", 10, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));

    /// <summary>What one organisation may send (DESIGN §15): each invitation takes a slot that is never given back.</summary>
    private static readonly ThrottlePolicy SendPolicy = new("organisation-invitations-sent", 50, TimeSpan.FromDays(1), TimeSpan.FromDays(1));

    private readonly OrganisationStore store;
    private readonly OrganisationService organisations;
    private readonly UserStore users;
    private readonly CredentialHasher hasher;
    private readonly AttemptThrottle throttle;
    private readonly ExpiryIndex expiry;
    private readonly IEmailOutbox outbox;
    private readonly TimeProvider time;
    private readonly IdGenerator ids;
    private readonly ILogger<InvitationService> logger;
    private readonly OrganisationOptions options;
    private readonly AppOptions app;

    internal InvitationService(
        OrganisationStore store,
        OrganisationService organisations,
        UserStore users,
        CredentialHasher hasher,
        AttemptThrottle throttle,
        ExpiryIndex expiry,
        IEmailOutbox outbox,
        TimeProvider time,
        IdGenerator ids,
        IOptions<OrganisationOptions> options,
        IOptions<AppOptions> app,
        ILogger<InvitationService> logger)
    {
        this.ids = ids;
        this.store = store;
        this.organisations = organisations;
        this.users = users;
        this.hasher = hasher;
        this.throttle = throttle;
        this.expiry = expiry;
        this.outbox = outbox;
        this.time = time;
        this.logger = logger;
        this.options = options.Value;
        this.app = app.Value;
    }

    /// <summary>Emails <paramref name="email"/> a link to join with <paramref name="role"/>; only owners invite owners.</summary>
    public async Task<Result<InvitationView>> InviteAsync(
        Caller caller, string organisationId, string? email, string? role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new Dictionary<string, string[]>();
        var address = email?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(address) || address.Length > MaxEmailLength || address.IndexOf('@', StringComparison.Ordinal) is < 1 || address.EndsWith('@'))
        {
            errors["email"] = ["A valid email address is required."];
        }

        if (!OrganisationRoles.IsKnown(role))
        {
            errors["role"] = [$"The role must be one of: {string.Join(", ", OrganisationRoles.All)}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var manager = await organisations.FindManagerAsync(organisationId, caller.UserId, cancellationToken);
        if (!manager.Succeeded)
        {
            return manager.Problem;
        }

        if (role == OrganisationRoles.Owner && manager.Value.Role != OrganisationRoles.Owner)
        {
            return OrganisationProblems.RoleRequired("owners");
        }

        var organisation = await organisations.FindAsync(organisationId, cancellationToken);
        if (organisation is null)
        {
            return OrganisationProblems.NotFound();
        }

        // Sending is throttled per organisation before anything is written: a Team plan is not a mail relay.
        var sent = await throttle.ClaimAsync(SendPolicy, organisationId, cancellationToken);
        if (sent.RetryAfter is { } retryAfter)
        {
            return Problems.TooManyAttempts(retryAfter);
        }

        var now = time.GetUtcNow();
        var token = TokenPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(TokenBytes));
        var invitation = new InvitationEntity
        {
            PartitionKey = CredentialHasher.PartitionOf(token[..PublicPrefixLength]),
            RowKey = hasher.Hash(token),
            InvitationId = ids.NewId(now),
            OrganisationId = organisationId,
            Email = address!,
            Role = role!,
            InvitedBy = caller.UserId,
            InvitedByEmail = manager.Value.Email,
            CreatedAt = now,
            ExpiresAt = now + options.InvitationLifetime,
        };
        var listed = new InvitationEntity
        {
            PartitionKey = InvitationEntity.ListPartitionOf(organisationId),
            RowKey = invitation.InvitationId,
            InvitationId = invitation.InvitationId,
            OrganisationId = organisationId,
            Email = invitation.Email,
            Role = invitation.Role,
            InvitedBy = invitation.InvitedBy,
            InvitedByEmail = invitation.InvitedByEmail,
            CreatedAt = now,
            ExpiresAt = invitation.ExpiresAt,
            TokenPartition = invitation.PartitionKey,
            TokenRow = invitation.RowKey,
        };

        await expiry.ScheduleAsync(InvitationExpiryHandler.KindName, invitation.PartitionKey, invitation.RowKey, invitation.ExpiresAt, cancellationToken);
        await expiry.ScheduleAsync(InvitationExpiryHandler.KindName, listed.PartitionKey, listed.RowKey, listed.ExpiresAt, cancellationToken);
        // Listed first: an invitation that works is always one its managers can see and revoke.
        await store.AddInvitationAsync(listed, cancellationToken);
        await store.AddInvitationAsync(invitation, cancellationToken);
        // The token travels only in the link's fragment, which browsers never send to a server.
        var link = $"{app.SecurityPageUrl.AbsoluteUri}#invitation&token={token}";
        await outbox.EnqueueAsync(
            new EmailMessage(address!, TemplateName, new Dictionary<string, string>
            {
                ["organisation"] = PlainText.Of(organisation.Name),
                ["invitedBy"] = manager.Value.Email,
                ["role"] = role!,
                ["link"] = link,
                ["expiresAt"] = Json.BkmarkJson.FormatTime(invitation.ExpiresAt),
            }, Id: "org-invitation-" + invitation.RowKey),
            cancellationToken);
        LogInvited(logger, organisationId, role!, caller.UserId);
        return new InvitationView(address!, role!, invitation.ExpiresAt) { Id = invitation.InvitationId };
    }

    /// <summary>The organisation's pending invitations (neither accepted, revoked nor expired), for its admins and owners.</summary>
    public async Task<Result<IReadOnlyList<PendingInvitation>>> ListAsync(Caller caller, string organisationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var manager = await organisations.FindManagerAsync(organisationId, caller.UserId, cancellationToken);
        if (!manager.Succeeded)
        {
            return manager.Problem;
        }

        var now = time.GetUtcNow();
        return (await store.ListInvitationsAsync(organisationId, cancellationToken))
            .Where(listed => listed.AcceptedAt is null && listed.RevokedAt is null && listed.ExpiresAt > now)
            .Select(listed => new PendingInvitation(
                listed.InvitationId, listed.Email, listed.Role, listed.InvitedBy, listed.InvitedByEmail, listed.CreatedAt, listed.ExpiresAt))
            .ToList();
    }

    /// <summary>
    /// Revokes a pending invitation: its link answers as an unknown one from now on. Spent with the token row's ETag,
    /// so a revoke and an accept racing have one winner. Only owners revoke an invitation to become owner.
    /// </summary>
    public async Task<Result<InvitationView>> RevokeAsync(Caller caller, string organisationId, string invitationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var manager = await organisations.FindManagerAsync(organisationId, caller.UserId, cancellationToken);
        if (!manager.Succeeded)
        {
            return manager.Problem;
        }

        var listed = IdGenerator.IsValid(invitationId)
            ? await store.FindInvitationAsync(InvitationEntity.ListPartitionOf(organisationId), invitationId.ToUpperInvariant(), cancellationToken)
            : null;
        if (listed is not { AcceptedAt: null, RevokedAt: null, TokenPartition: { } tokenPartition, TokenRow: { } tokenRow })
        {
            return Problems.NotFound("The invitation");
        }

        if (listed.Role == OrganisationRoles.Owner && manager.Value.Role != OrganisationRoles.Owner)
        {
            return OrganisationProblems.RoleRequired("owners");
        }

        var revoked = await OptimisticConcurrency.RunAsync<bool>(async () =>
        {
            var invitation = await store.FindInvitationAsync(tokenPartition, tokenRow, cancellationToken);
            if (invitation is null || invitation.AcceptedAt is not null)
            {
                return Problems.NotFound("The invitation");
            }

            invitation.RevokedAt ??= time.GetUtcNow();
            return await store.TryReplaceInvitationAsync(invitation, cancellationToken) ? true : RaceAttempt.Lost;
        });
        if (!revoked.Succeeded)
        {
            return revoked.Problem;
        }

        await store.DeleteInvitationIfExistsAsync(listed.PartitionKey, listed.RowKey, cancellationToken);
        LogRevoked(logger, organisationId, listed.InvitationId, caller.UserId);
        return new InvitationView(listed.Email, listed.Role, listed.ExpiresAt) { Id = listed.InvitationId };
    }

    /// <summary>Spends the invitation and makes the signed-in caller (who must hold the invited address) a member.</summary>
    public async Task<Result<OrganisationView>> AcceptAsync(Caller caller, string? token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (token is null || token.Length != TokenPrefix.Length + (2 * TokenBytes) || !token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return Problems.Validation("token", "The invitation token is not valid.");
        }

        // DESIGN §7: the guess takes its slot before it is checked.
        var claim = await throttle.ClaimAsync(AcceptPolicy, caller.UserId, cancellationToken);
        if (claim.RetryAfter is { } retryAfter)
        {
            return Problems.TooManyAttempts(retryAfter);
        }

        var invitation = await hasher.FindAsync(token, token[..PublicPrefixLength], store.FindInvitationAsync, cancellationToken);
        var user = invitation is null ? null : await users.FindByIdAsync(caller.UserId, cancellationToken);
        if (invitation is null
            || invitation.AcceptedAt is not null
            || invitation.RevokedAt is not null
            || invitation.ExpiresAt <= time.GetUtcNow()
            || user is null
            || !string.Equals(user.Email, invitation.Email, StringComparison.Ordinal))
        {
            return NotFound();
        }

        // The inviter must still be a manager (an owner, for an invitation to become owner): a removed admin's
        // invitations do not let them, or anyone they invited, back in (DESIGN §15).
        var inviter = await organisations.FindManagerAsync(invitation.OrganisationId, invitation.InvitedBy, cancellationToken);
        if (!inviter.Succeeded || invitation.Role == OrganisationRoles.Owner && inviter.Value.Role != OrganisationRoles.Owner)
        {
            return NotFound();
        }

        invitation.AcceptedAt = time.GetUtcNow();
        if (!await store.TryReplaceInvitationAsync(invitation, cancellationToken))
        {
            // Another accept (or a revoke) spent it first: single use.
            return NotFound();
        }

        if (!string.IsNullOrEmpty(invitation.InvitationId))
        {
            await store.DeleteInvitationIfExistsAsync(InvitationEntity.ListPartitionOf(invitation.OrganisationId), invitation.InvitationId, cancellationToken);
        }

        await throttle.ResetAsync(claim, cancellationToken);
        return await organisations.JoinAsync(invitation.OrganisationId, user.Id, user.Email, invitation.Role, cancellationToken);
    }

    private static Problem NotFound() => Problems.NotFound("The invitation (it may have expired, been used, or be for another address)");

    [LoggerMessage(EventId = 19006, Level = LogLevel.Information, Message = "Invitation {InvitationId} to organisation {OrganisationId} revoked by user {UserId}")]
    private static partial void LogRevoked(ILogger logger, string organisationId, string invitationId, string userId);

    [LoggerMessage(EventId = 19005, Level = LogLevel.Information, Message = "Invitation to organisation {OrganisationId} as {Role} sent by user {UserId}")]
    private static partial void LogInvited(ILogger logger, string organisationId, string role, string userId);
}

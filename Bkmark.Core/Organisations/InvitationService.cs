using Bkmark.Core.Accounts;
using Bkmark.Core.Email;
using Bkmark.Core.SecurityLog;
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
/// The token (<c>inv_</c> + 32 hex, 128 bits) is a <see cref="SingleUseTokens"/> purpose: stored only as its HMAC,
/// found by one point read of its hashed prefix (DESIGN §3) after the guess took its slot in the user's throttle,
/// spent with its ETag (so of N concurrent accepts one wins). Any invitation that cannot be accepted, including one
/// for another address, answers 404 like an unknown one: a forwarded link does not let its reader in, nor tell them
/// whom it was for.
/// </remarks>
public sealed partial class InvitationService
{
    public const string TemplateName = "organisation-invitation";
    public const string TokenPrefix = "inv_";
    internal const string PurposeName = "organisation-invitation";

    internal static readonly TokenTable<InvitationEntity> Table = new(TableNames.OrganisationInvitations, InvitationExpiryHandler.KindName);

    private static readonly Problem NotFound = Problems.NotFound("The invitation (it may have expired, been used, or be for another address)");
    private static readonly Problem InvalidToken = Problems.Validation("token", "The invitation token is not valid.");

    /// <summary>What one organisation may send (DESIGN §15): each invitation takes a slot that is never given back.</summary>
    private static readonly ThrottlePolicy SendPolicy = new("organisation-invitations-sent", 50, TimeSpan.FromDays(1), TimeSpan.FromDays(1));

    private readonly OrganisationService organisations;
    private readonly AccountDirectory users;
    private readonly SingleUseTokens tokens;
    private readonly IEmailOutbox outbox;
    private readonly TimeProvider time;
    private readonly IdGenerator ids;
    private readonly AttemptThrottle throttle;
    private readonly SecurityEventLog securityLog;
    private readonly ILogger<InvitationService> logger;
    private readonly AppOptions app;
    private readonly TokenPurpose<InvitationEntity> purpose;

    internal InvitationService(
        OrganisationService organisations,
        AccountDirectory users,
        SingleUseTokens tokens,
        IEmailOutbox outbox,
        TimeProvider time,
        IdGenerator ids,
        AttemptThrottle throttle,
        SecurityEventLog securityLog,
        IOptions<OrganisationOptions> options,
        IOptions<AppOptions> app,
        ILogger<InvitationService> logger)
    {
        this.ids = ids;
        this.throttle = throttle;
        this.organisations = organisations;
        this.users = users;
        this.tokens = tokens;
        this.outbox = outbox;
        this.time = time;
        this.securityLog = securityLog;
        this.logger = logger;
        this.app = app.Value;
        purpose = new TokenPurpose<InvitationEntity>(
            PurposeName,
            Table,
            new HexSecretFormat(TokenPrefix, randomBytes: 16),
            options.Value.InvitationLifetime,
            new ThrottlePolicy("organisation-invitation", 10, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15)),
            new TokenAnswers(Missing: InvalidToken, Malformed: InvalidToken, Unknown: NotFound, Used: NotFound, Expired: _ => NotFound, Void: NotFound));
    }

    /// <summary>Emails <paramref name="email"/> a link to join with <paramref name="role"/>; only owners invite owners.</summary>
    public async Task<Result<InvitationView>> InviteAsync(
        Caller caller, string organisationId, string? email, string? role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new FieldErrors();
        var address = EmailAddress.Normalize(email);
        if (address is null)
        {
            errors.Add("email", EmailAddress.Invalid);
        }

        if (!OrganisationRoles.IsKnown(role))
        {
            errors.Add("role", $"The role must be one of: {string.Join(", ", OrganisationRoles.All)}.");
        }

        if (errors.Problem is { } invalid)
        {
            return invalid;
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
        var invitation = new InvitationEntity
        {
            InvitationId = ids.NewId(now),
            OrganisationId = organisationId,
            Email = address!,
            Role = role!,
            InvitedBy = caller.UserId,
            InvitedByEmail = manager.Value.Email,
            CreatedAt = now,
        };
        var token = await tokens.IssueAsync(purpose, invitation, cancellationToken);
        // The token travels only in the link's fragment, which browsers never send to a server.
        var link = $"{app.SecurityPageUrl.AbsoluteUri}#invitation&token={token}";
        await outbox.EnqueueAsync(
            new EmailMessage(address!, TemplateName, new Dictionary<string, string>
            {
                ["organisation"] = PlainText.Of(organisation.Name),
                ["invitedBy"] = manager.Value.Email,
                ["role"] = role!,
                ["expiresAt"] = Json.BkmarkJson.FormatTime(invitation.ExpiresAt),
            }, Id: "org-invitation-" + invitation.RowKey)
            {
                SecretValues = new Dictionary<string, string> { ["link"] = link },
            },
            cancellationToken);
        LogInvited(logger, organisationId, role!, caller.UserId);
        var invited = new InvitationView(address!, role!, invitation.ExpiresAt) { Id = invitation.InvitationId };
        await securityLog.RecordAsync(
            caller, SecurityEventTypes.OrganisationMemberInvited, OrganisationEvents.InvitationDetailsOf(organisationId, invited), cancellationToken);
        return invited;
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

        return (await tokens.ListOutstandingAsync(InvitationEntity.HolderOf(organisationId), [purpose], cancellationToken))
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

        // The organisation holds its invitations: its outstanding ones are one query of its holder entries away.
        var listed = IdGenerator.IsValid(invitationId)
            ? (await tokens.ListOutstandingAsync(InvitationEntity.HolderOf(organisationId), [purpose], cancellationToken))
                .FirstOrDefault(invitation => string.Equals(invitation.InvitationId, invitationId, StringComparison.OrdinalIgnoreCase))
            : null;
        if (listed is null)
        {
            return Problems.NotFound("The invitation");
        }

        if (listed.Role == OrganisationRoles.Owner && manager.Value.Role != OrganisationRoles.Owner)
        {
            return OrganisationProblems.RoleRequired("owners");
        }

        // Voided with the token's ETag, so a revoke and an accept racing have one winner.
        if (!await tokens.TryVoidAsync(purpose, listed, cancellationToken))
        {
            return Problems.NotFound("The invitation");
        }

        LogRevoked(logger, organisationId, listed.InvitationId, caller.UserId);
        var revoked = new InvitationView(listed.Email, listed.Role, listed.ExpiresAt) { Id = listed.InvitationId };
        await securityLog.RecordAsync(
            caller, SecurityEventTypes.OrganisationInvitationRevoked, OrganisationEvents.InvitationDetailsOf(organisationId, revoked), cancellationToken);
        return revoked;
    }

    /// <summary>Spends the invitation and makes the signed-in caller (who must hold the invited address) a member.</summary>
    public async Task<Result<OrganisationView>> AcceptAsync(Caller caller, string? token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        // DESIGN §7, §14: the guess takes its slot before it is checked; only a token that matches no invitation stays counted.
        var invitation = await tokens.FindAsync(purpose, token, caller.UserId, cancellationToken);
        if (!invitation.Succeeded)
        {
            return invitation.Problem;
        }

        var user = await users.FindByIdAsync(caller.UserId, cancellationToken);
        if (user is null || !string.Equals(user.Email, invitation.Value.Email, StringComparison.Ordinal))
        {
            // Another address's invitation.
            return NotFound;
        }

        // The inviter must still be a manager (an owner, for an invitation to become owner): a removed admin's
        // invitations do not let them, or anyone they invited, back in (DESIGN §15).
        var inviter = await organisations.FindManagerAsync(invitation.Value.OrganisationId, invitation.Value.InvitedBy, cancellationToken);
        if (!inviter.Succeeded || invitation.Value.Role == OrganisationRoles.Owner && inviter.Value.Role != OrganisationRoles.Owner)
        {
            return NotFound;
        }

        // DESIGN.md §14: checked before the invitation is spent, so confirming the address and following the link again works.
        if (user.EmailVerifiedAt is null)
        {
            return AccountProblems.EmailNotVerified();
        }

        if (!await tokens.TrySpendAsync(purpose, invitation.Value, cancellationToken))
        {
            // Another accept (or a revoke) spent it first: single use.
            return NotFound;
        }

        var joined = await organisations.JoinAsync(invitation.Value.OrganisationId, user.Id, user.Email, invitation.Value.Role, cancellationToken);
        if (joined.Succeeded)
        {
            await securityLog.RecordAsync(caller, SecurityEventTypes.OrganisationJoined, OrganisationEvents.DetailsOf(joined.Value.Id), cancellationToken);
        }

        return joined;
    }

    [LoggerMessage(EventId = 19006, Level = LogLevel.Information, Message = "Invitation {InvitationId} to organisation {OrganisationId} revoked by user {UserId}")]
    private static partial void LogRevoked(ILogger logger, string organisationId, string invitationId, string userId);

    [LoggerMessage(EventId = 19005, Level = LogLevel.Information, Message = "Invitation to organisation {OrganisationId} as {Role} sent by user {UserId}")]
    private static partial void LogInvited(ILogger logger, string organisationId, string role, string userId);
}

using Bkmark.Core.Accounts;
using Bkmark.Core.Authorization;
using Bkmark.Core.Email;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Throttling;

namespace Bkmark.Core.Organisations;

/// <summary>An invitation as its sender sees it; the token is only ever in the email.</summary>
public sealed record InvitationView(string Email, string Role, DateTimeOffset ExpiresAt);

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

    private readonly OrganisationStore store;
    private readonly OrganisationService organisations;
    private readonly UserStore users;
    private readonly CredentialHasher hasher;
    private readonly AttemptThrottle throttle;
    private readonly ExpiryIndex expiry;
    private readonly IEmailOutbox outbox;
    private readonly TimeProvider time;
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
        IOptions<OrganisationOptions> options,
        IOptions<AppOptions> app,
        ILogger<InvitationService> logger)
    {
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

        var now = time.GetUtcNow();
        var token = TokenPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(TokenBytes));
        var invitation = new InvitationEntity
        {
            PartitionKey = CredentialHasher.PartitionOf(token[..PublicPrefixLength]),
            RowKey = hasher.Hash(token),
            OrganisationId = organisationId,
            Email = address!,
            Role = role!,
            InvitedBy = caller.UserId,
            CreatedAt = now,
            ExpiresAt = now + options.InvitationLifetime,
        };

        await expiry.ScheduleAsync(InvitationExpiryHandler.KindName, invitation.PartitionKey, invitation.RowKey, invitation.ExpiresAt, cancellationToken);
        await store.AddInvitationAsync(invitation, cancellationToken);
        // The token travels only in the link's fragment, which browsers never send to a server.
        var link = $"{app.SecurityPageUrl.AbsoluteUri}#invitation&token={token}";
        await outbox.EnqueueAsync(
            new EmailMessage(address!, TemplateName, new Dictionary<string, string>
            {
                ["organisation"] = organisation.Name,
                ["invitedBy"] = manager.Value.Email,
                ["role"] = role!,
                ["link"] = link,
                ["expiresAt"] = Json.BkmarkJson.FormatTime(invitation.ExpiresAt),
            }, Id: "org-invitation-" + invitation.RowKey),
            cancellationToken);
        LogInvited(logger, organisationId, role!, caller.UserId);
        return new InvitationView(address!, role!, invitation.ExpiresAt);
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
            || invitation.ExpiresAt <= time.GetUtcNow()
            || user is null
            || !string.Equals(user.Email, invitation.Email, StringComparison.Ordinal))
        {
            return NotFound();
        }

        invitation.AcceptedAt = time.GetUtcNow();
        if (!await store.TryReplaceInvitationAsync(invitation, cancellationToken))
        {
            // Another accept spent it first: single use.
            return NotFound();
        }

        await throttle.ResetAsync(claim, cancellationToken);
        return await organisations.JoinAsync(invitation.OrganisationId, user.Id, user.Email, invitation.Role, cancellationToken);
    }

    private static Problem NotFound() => Problems.NotFound("The invitation (it may have expired, been used, or be for another address)");

    [LoggerMessage(EventId = 19005, Level = LogLevel.Information, Message = "Invitation to organisation {OrganisationId} as {Role} sent by user {UserId}")]
    private static partial void LogInvited(ILogger logger, string organisationId, string role, string userId);
}

namespace Bkmark.Tests.Organisations;

/// <summary>
/// Invitations end to end (DESIGN §12, §9): the email arrives in MailDev through the real outbox and SMTP, and its
/// link's token makes the invitee a member, once.
/// </summary>
public sealed class InvitationApiTests(OrganisationHostFixture host) : IClassFixture<OrganisationHostFixture>
{
    [Fact]
    public async Task Invitation_ArrivesByEmail_AndItsTokenLetsTheInviteeReadTheOrganisationLibrary()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync("Invited Co");
        var invitee = await host.SignUpAsync();
        var org = $"api/v1/orgs/{orgId}";
        await host.CreateBookmarkAsync(org, owner.AccessToken, "https://example.com/team");

        // Act
        var invited = await host.SendAsync(HttpMethod.Post, $"{org}/invitations", new { email = invitee.Email.ToUpperInvariant(), role = "member" }, owner.AccessToken);
        var email = await InvitationEmailAsync(invitee);
        var accepted = await host.SendAsync(HttpMethod.Post, "api/v1/orgs/invitations/accept", new { token = email.Token }, invitee.AccessToken);
        var reads = await host.BookmarkUrlsAsync(org, invitee.AccessToken);
        var writes = await host.SendAsync(HttpMethod.Post, $"{org}/bookmarks", new { url = "https://example.com/nope" }, invitee.AccessToken);
        var again = await host.SendAsync(HttpMethod.Post, "api/v1/orgs/invitations/accept", new { token = email.Token }, invitee.AccessToken);

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, invited.StatusCode);
        var sent = await invited.ReadJsonAsync();
        Assert.Equal(invitee.Email, sent.GetProperty("email").GetString());
        Assert.False(sent.TryGetProperty("token", out _));
        Assert.Contains("Invited Co", email.Subject, StringComparison.Ordinal);
        Assert.StartsWith("inv_", email.Token, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var joined = await accepted.ReadJsonAsync();
        Assert.Equal(orgId, joined.GetProperty("id").GetString());
        Assert.Equal("member", joined.GetProperty("role").GetString());
        Assert.Equal(["https://example.com/team"], reads);
        await writes.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ScopeRequired);
        await again.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task AcceptInvitation_IsSingleUse_UnderConcurrentAccepts()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var invitee = await host.SignUpAsync();
        var token = await InviteAsync(orgId, owner, invitee, "admin");

        // Act
        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/orgs/invitations/accept", new { token }, invitee.AccessToken));

        // Assert: one accept spent it; the rest found it spent (or were throttled as the guesses they then are).
        Assert.Single(answers, a => a.Succeeded);
        answers.AssertEachSucceededOr(ErrorCodes.NotFound, ErrorCodes.TooManyAttempts);
    }

    [Fact]
    public async Task AcceptInvitation_Returns404_ForAnAccountWithAnotherAddress_OrAfterSevenDays()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var invitee = await host.SignUpAsync();
        var forwardedTo = await host.SignUpAsync();
        var token = await InviteAsync(orgId, owner, invitee, "member");

        // Act
        var byOther = await host.SendAsync(HttpMethod.Post, "api/v1/orgs/invitations/accept", new { token }, forwardedTo.AccessToken);
        host.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        var fresh = (await host.Client.LoginAsync(invitee.Email)).GetProperty("accessToken").GetString()!;
        var late = await host.SendAsync(HttpMethod.Post, "api/v1/orgs/invitations/accept", new { token }, fresh);

        // Assert
        await byOther.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await late.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Invite_IsRefused_ToAMember_AndForBadInput()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var member = await host.SignUpMemberAsync(orgId, "member");

        // Act
        var byMember = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/invitations", new { email = "x@example.com", role = "member" }, member.AccessToken);
        var badInput = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/invitations", new { email = "not-an-address", role = "king" }, owner.AccessToken);
        var badToken = await host.SendAsync(HttpMethod.Post, "api/v1/orgs/invitations/accept", new { token = "inv_short" }, member.AccessToken);

        // Assert
        await byMember.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.OrganisationRoleRequired);
        await badInput.AssertValidationFailedAsync("email", "role");
        await badToken.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
    }

    // Found by the walls review: invitations had a looser email rule than registration, so one could go to an address
    // no account can ever have.
    [Fact]
    public async Task Invite_AnswersAsRegistrationDoes_ForAnAddressRegistrationRefuses()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        const string Refused = "someone@localhost";

        // Act
        var invited = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/invitations", new { email = Refused, role = "member" }, owner.AccessToken);
        var registered = await host.SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email = Refused, password = ApiTestClient.Password });

        // Assert
        var invitation = await invited.AssertValidationFailedAsync("email");
        var registration = await registered.AssertValidationFailedAsync("email");
        Assert.Equal(registration.GetProperty("errors").GetProperty("email").ToString(), invitation.GetProperty("errors").GetProperty("email").ToString());
    }

    /// <summary>The owner invites the invitee's address; returns the token from the email that arrives.</summary>
    private async Task<string> InviteAsync(string organisationId, SignedInUser owner, SignedInUser invitee, string role)
    {
        (await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{organisationId}/invitations", new { email = invitee.Email, role }, owner.AccessToken)).EnsureSuccessStatusCode();
        return (await InvitationEmailAsync(invitee)).Token;
    }

    private static Task<ReceivedEmail> InvitationEmailAsync(SignedInUser invitee) =>
        MailDevInbox.WaitForEmailAsync(invitee.Email, email => email.Subject.StartsWith("Join ", StringComparison.Ordinal));
}

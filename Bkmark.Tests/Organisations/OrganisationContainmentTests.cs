namespace Bkmark.Tests.Organisations;

/// <summary>Organisations contained (DESIGN §15) over HTTP through the local host, against Azurite.</summary>
public sealed class OrganisationContainmentTests(OrganisationHostFixture host) : IClassFixture<OrganisationHostFixture>
{
    [Fact]
    public async Task OrganisationTestKey_ActsOnTheOrganisationsSandbox_NeverOnItsLiveLibrary_DestructiveDeletesIncluded()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var org = $"api/v1/orgs/{orgId}";
        var liveId = await host.CreateBookmarkAsync(org, owner.AccessToken, "https://example.com/live");
        var created = await host.SendForJsonAsync(
            HttpMethod.Post, $"{org}/api-keys", new { name = "ci", scopes = new[] { "bookmarks:write", "destructive" }, environment = "test" }, owner.AccessToken, HttpStatusCode.Created);
        var testKey = created.GetProperty("key").GetString()!;

        // Act: the intruder's test key tries the live bookmark by id, then writes.
        var trash = await host.SendAsync(HttpMethod.Delete, $"{org}/bookmarks/{liveId}", null, testKey);
        var purge = await host.SendAsync(HttpMethod.Delete, $"{org}/bookmarks/{liveId}?permanent=true", null, testKey);
        await host.CreateBookmarkAsync(org, testKey, "https://example.com/sandbox");
        var seenByTestKey = await host.BookmarkUrlsAsync(org, testKey);
        var seenLive = await host.BookmarkUrlsAsync(org, owner.AccessToken);
        var reset = await host.SendAsync(HttpMethod.Post, $"{org}/sandbox/reset", null, testKey);
        var afterReset = await host.BookmarkUrlsAsync(org, testKey);

        // Assert
        Assert.StartsWith("bk_test_", testKey, StringComparison.Ordinal);
        await trash.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await purge.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        Assert.Equal(["https://example.com/sandbox"], seenByTestKey);
        Assert.Equal(["https://example.com/live"], seenLive);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Empty(afterReset);
        Assert.Equal(["https://example.com/live"], await host.BookmarkUrlsAsync(org, owner.AccessToken));
    }

    [Fact]
    public async Task ResetOrganisationSandbox_Returns403TestKeyRequired_ForALiveOrganisationKey_AndLeavesTheLibrary()
    {
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var org = $"api/v1/orgs/{orgId}";
        await host.CreateBookmarkAsync(org, owner.AccessToken, "https://example.com/live");
        var liveKey = (await host.CreateOrganisationKeyAsync(orgId, owner, "bookmarks:write", "destructive")).GetProperty("key").GetString()!;

        var reset = await host.SendAsync(HttpMethod.Post, $"{org}/sandbox/reset", null, liveKey);

        await reset.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.TestKeyRequired);
        Assert.Equal(["https://example.com/live"], await host.BookmarkUrlsAsync(org, owner.AccessToken));
    }

    [Fact]
    public async Task RemoveMember_ARetryCompletesIt_WhenTheMemberRowDeleteFailedAfterTheRosterWrite()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var org = $"api/v1/orgs/{orgId}";
        var rogue = await host.SignUpMemberAsync(orgId, "admin");
        var memberRow = $"Organisations(PartitionKey='{orgId}',RowKey='{rogue.Id}')";
        host.StorageFaults.FailWhen = (method, uri) => method == "DELETE" && Uri.UnescapeDataString(uri.AbsolutePath).EndsWith(memberRow, StringComparison.Ordinal);

        // Act
        HttpResponseMessage halfDone;
        try
        {
            halfDone = await host.SendAsync(HttpMethod.Delete, $"{org}/members/{rogue.Id}", null, owner.AccessToken);
        }
        finally
        {
            host.StorageFaults.FailWhen = null;
        }

        var retried = await host.SendAsync(HttpMethod.Delete, $"{org}/members/{rogue.Id}", null, owner.AccessToken);

        // Assert: the failure is reported (not a success that left access), and the retry completes the removal.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, halfDone.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, retried.StatusCode);
        await (await host.SendAsync(HttpMethod.Get, $"{org}/bookmarks", null, rogue.AccessToken)).AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await (await host.SendAsync(HttpMethod.Get, $"{org}/api-keys", null, rogue.AccessToken)).AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        var members = await host.SendForJsonAsync(HttpMethod.Get, $"{org}/members", bearer: owner.AccessToken);
        Assert.Equal([owner.Id], members.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("userId").GetString()));
        var orgs = await host.SendForJsonAsync(HttpMethod.Get, "api/v1/orgs", bearer: rogue.AccessToken);
        Assert.Empty(orgs.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task OrganisationKeys_Answer403ApiAccessProRequired_WhileNoOwnerIsOnTeam_AndComeBackOnUpgrade()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var admin = await host.SignUpMemberAsync(orgId, "admin");
        var key = (await host.CreateOrganisationKeyAsync(orgId, owner)).GetProperty("key").GetString()!;
        var org = $"api/v1/orgs/{orgId}";

        // Act
        (await host.SetPlanAsync(owner.Id, "free")).EnsureSuccessStatusCode();
        var whileFree = await host.SendAsync(HttpMethod.Get, $"{org}/bookmarks", null, key);
        var mintedByAdmin = await host.SendAsync(
            HttpMethod.Post, $"{org}/api-keys", new { name = "more", scopes = new[] { "bookmarks:read" } }, admin.AccessToken);
        (await host.SetPlanAsync(owner.Id, "team")).EnsureSuccessStatusCode();
        var afterUpgrade = await host.SendAsync(HttpMethod.Get, $"{org}/bookmarks", null, key);

        // Assert
        await whileFree.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ApiAccessProRequired);
        await mintedByAdmin.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ApiAccessProRequired);
        Assert.Equal(HttpStatusCode.OK, afterUpgrade.StatusCode);
    }

    [Fact]
    public async Task OrganisationKeys_Stop_WhenTheLastTeamOwnerIsDemoted_AndWorkWhileAnotherOwnerIsOnTeam()
    {
        // Arrange: two owners; the second downgrades, the keys keep working thanks to the first.
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var second = await host.SignUpMemberAsync(orgId, "owner");
        var key = (await host.CreateOrganisationKeyAsync(orgId, owner)).GetProperty("key").GetString()!;
        var org = $"api/v1/orgs/{orgId}";

        // Act
        (await host.SetPlanAsync(second.Id, "free")).EnsureSuccessStatusCode();
        var oneTeamOwner = await host.SendAsync(HttpMethod.Get, $"{org}/bookmarks", null, key);
        (await host.SendAsync(HttpMethod.Patch, $"{org}/members/{owner.Id}", new { role = "admin" }, second.AccessToken)).EnsureSuccessStatusCode();
        var noTeamOwner = await host.SendAsync(HttpMethod.Get, $"{org}/bookmarks", null, key);

        // Assert
        Assert.Equal(HttpStatusCode.OK, oneTeamOwner.StatusCode);
        await noTeamOwner.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ApiAccessProRequired);
    }

    [Fact]
    public async Task Invitations_AreListedForManagers_AndARevokedLinkNoLongerLetsAnyoneIn()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var org = $"api/v1/orgs/{orgId}";
        var member = await host.SignUpMemberAsync(orgId, "member");
        var invitee = await host.SignUpAsync();
        var token = await InviteAsync(orgId, owner, invitee, "admin");

        // Act
        var listed = await host.SendForJsonAsync(HttpMethod.Get, $"{org}/invitations", bearer: owner.AccessToken);
        var byMember = await host.SendAsync(HttpMethod.Get, $"{org}/invitations", null, member.AccessToken);
        var pending = Assert.Single(listed.GetProperty("data").EnumerateArray());
        var revoked = await host.SendAsync(HttpMethod.Delete, $"{org}/invitations/{pending.GetProperty("id").GetString()}", null, owner.AccessToken);
        var afterRevoke = await host.SendForJsonAsync(HttpMethod.Get, $"{org}/invitations", bearer: owner.AccessToken);
        var accepted = await host.SendAsync(HttpMethod.Post, "api/v1/orgs/invitations/accept", new { token }, invitee.AccessToken);

        // Assert
        Assert.Equal(invitee.Email, pending.GetProperty("email").GetString());
        Assert.Equal("admin", pending.GetProperty("role").GetString());
        Assert.Equal(owner.Id, pending.GetProperty("invitedBy").GetString());
        Assert.Equal(owner.Email, pending.GetProperty("invitedByEmail").GetString());
        Assert.True(pending.GetProperty("expiresAt").GetDateTimeOffset() > host.Time.GetUtcNow());
        Assert.False(pending.TryGetProperty("token", out _));
        await byMember.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.OrganisationRoleRequired);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Empty(afterRevoke.GetProperty("data").EnumerateArray());
        await accepted.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await (await host.SendAsync(HttpMethod.Get, $"{org}/bookmarks", null, invitee.AccessToken)).AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task AcceptInvitation_Returns404_WhenItsInviterWasRemovedMeanwhile_SoARogueAdminCannotComeBack()
    {
        // Arrange: the rogue admin invites a second address of theirs as admin, and is then removed by the owner.
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var org = $"api/v1/orgs/{orgId}";
        var rogue = await host.SignUpMemberAsync(orgId, "admin");
        var rogueSecondAccount = await host.SignUpAsync();
        var token = await InviteAsync(orgId, rogue, rogueSecondAccount, "admin");
        (await host.SendAsync(HttpMethod.Delete, $"{org}/members/{rogue.Id}", null, owner.AccessToken)).EnsureSuccessStatusCode();

        // Act
        var accepted = await host.SendAsync(HttpMethod.Post, "api/v1/orgs/invitations/accept", new { token }, rogueSecondAccount.AccessToken);

        // Assert: the rogue holds nothing.
        await accepted.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await (await host.SendAsync(HttpMethod.Get, $"{org}/bookmarks", null, rogueSecondAccount.AccessToken)).AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        var members = await host.SendForJsonAsync(HttpMethod.Get, $"{org}/members", bearer: owner.AccessToken);
        Assert.Equal([owner.Id], members.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("userId").GetString()));
    }

    [Fact]
    public async Task Invite_AnAdminInvitesMembersAndAdmins_ButOnlyOwnersInviteOwners()
    {
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var admin = await host.SignUpMemberAsync(orgId, "admin");

        var adminInvitesOwner = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/invitations", new { email = ApiTestClient.NewEmail(), role = "owner" }, admin.AccessToken);
        var adminInvitesAdmin = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/invitations", new { email = ApiTestClient.NewEmail(), role = "admin" }, admin.AccessToken);
        var ownerInvitesOwner = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/invitations", new { email = ApiTestClient.NewEmail(), role = "owner" }, owner.AccessToken);

        await adminInvitesOwner.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.OrganisationRoleRequired);
        Assert.Equal(HttpStatusCode.Accepted, adminInvitesAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, ownerInvitesOwner.StatusCode);
    }

    [Fact]
    public async Task Invite_Returns429_AfterFiftyInvitationsInADay_FromOneOrganisation()
    {
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var (otherOwner, otherOrgId) = await host.SignUpOwnerAsync();

        for (var i = 0; i < 50; i++)
        {
            var sent = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/invitations", new { email = $"bulk-{i}@example.invalid", role = "member" }, owner.AccessToken);
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        var fiftyFirst = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/invitations", new { email = "bulk-50@example.invalid", role = "member" }, owner.AccessToken);
        var otherOrganisation = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{otherOrgId}/invitations", new { email = "other@example.invalid", role = "member" }, otherOwner.AccessToken);

        await fiftyFirst.AssertProblemAsync(HttpStatusCode.TooManyRequests, ErrorCodes.TooManyAttempts);
        Assert.NotNull(fiftyFirst.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Accepted, otherOrganisation.StatusCode);
    }

    [Fact]
    public async Task InvitationEmail_ShowsTheOrganisationNameAsPlainText_NeverAsALinkOrAnAddress()
    {
        var (owner, orgId) = await host.SignUpOwnerAsync("Verify your account at evil.example/login or support@evil.example");
        var invitee = await host.SignUpAsync();

        (await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/invitations", new { email = invitee.Email, role = "member" }, owner.AccessToken)).EnsureSuccessStatusCode();
        var email = await MailDevInbox.WaitForEmailAsync(invitee.Email, e => e.Subject.StartsWith("Join ", StringComparison.Ordinal));

        Assert.Contains("Verify your account at evil", email.Subject, StringComparison.Ordinal);
        foreach (var part in new[] { email.Subject, email.Text, email.Html })
        {
            Assert.DoesNotContain("evil.example", part, StringComparison.Ordinal);
            Assert.DoesNotContain("@evil", part, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OrganisationSecurityEvents_ShowTheOrganisationsOwnEvents_ToItsManagersOnly()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var org = $"api/v1/orgs/{orgId}";
        var admin = await host.SignUpMemberAsync(orgId, "admin");
        var member = await host.SignUpMemberAsync(orgId, "member");
        var (_, otherOrgId) = await host.SignUpOwnerAsync();
        var key = await host.CreateOrganisationKeyAsync(orgId, admin);
        (await host.SendAsync(HttpMethod.Post, $"{org}/invitations", new { email = ApiTestClient.NewEmail(), role = "member" }, owner.AccessToken)).EnsureSuccessStatusCode();
        (await host.SendAsync(HttpMethod.Patch, $"{org}/members/{member.Id}", new { role = "admin" }, owner.AccessToken)).EnsureSuccessStatusCode();

        // Act
        var seenByAdmin = await host.SendForJsonAsync(HttpMethod.Get, $"{org}/security-events", bearer: admin.AccessToken);
        var byMember = await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{otherOrgId}/security-events", null, member.AccessToken);
        var byKey = await host.SendAsync(HttpMethod.Get, $"{org}/security-events", null, key.GetProperty("key").GetString());

        // Assert
        var events = seenByAdmin.GetProperty("data").EnumerateArray().ToList();
        var created = events.Single(e => e.GetProperty("type").GetString() == "apikey.created");
        Assert.Equal(admin.Id, created.GetProperty("details").GetProperty("actorId").GetString());
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "organisation.member_invited");
        var roleChanged = events.Single(e => e.GetProperty("type").GetString() == "organisation.member_role_changed");
        Assert.Equal(owner.Id, roleChanged.GetProperty("details").GetProperty("actorId").GetString());
        Assert.All(events, e => Assert.Equal(orgId, e.GetProperty("details").GetProperty("organisationId").GetString()));
        await byMember.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        Assert.Equal(HttpStatusCode.Forbidden, byKey.StatusCode);
    }

    /// <summary><paramref name="inviter"/> invites <paramref name="invitee"/>'s address; returns the token from the email that arrives.</summary>
    private async Task<string> InviteAsync(string organisationId, SignedInUser inviter, SignedInUser invitee, string role)
    {
        (await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{organisationId}/invitations", new { email = invitee.Email, role }, inviter.AccessToken)).EnsureSuccessStatusCode();
        return (await MailDevInbox.WaitForEmailAsync(invitee.Email, email => email.Subject.StartsWith("Join ", StringComparison.Ordinal))).Token;
    }

    [Fact]
    public async Task LeakOfAnOrganisationKey_IsToldToItsOwnersAndAdmins_NotToAMakerWhoHasLeft()
    {
        // Arrange: an admin makes the key and is then removed; the organisation's managers are who must hear of it.
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var maker = await host.SignUpMemberAsync(orgId, "admin");
        var admin = await host.SignUpMemberAsync(orgId, "admin");
        var member = await host.SignUpMemberAsync(orgId, "member");
        var created = await host.CreateOrganisationKeyAsync(orgId, maker);
        (await host.SendAsync(HttpMethod.Delete, $"api/v1/orgs/{orgId}/members/{maker.Id}", null, owner.AccessToken)).EnsureSuccessStatusCode();
        var key = created.GetProperty("key").GetString()!;

        // Act
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/api-keys/leaked")
        {
            Content = JsonContent.Create(new[] { new { token = key, type = "bkmark_api_key", url = "https://github.com/o/r/blob/main/ci.yml", source = "content" } }),
        };
        request.Headers.Add("x-functions-key", host.FunctionKey);
        var reported = await host.Client.SendAsync(request);

        // Assert
        Assert.Equal("true_positive", (await reported.ReadJsonAsync())[0].GetProperty("label").GetString());
        foreach (var manager in new[] { owner, admin })
        {
            var email = await MailDevInbox.WaitForEmailAsync(manager.Email, e => e.Subject.Contains("found in public", StringComparison.Ordinal));
            Assert.Contains(created.GetProperty("keyPrefix").GetString()!, email.Text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(await MailDevInbox.ListAsync(maker.Email), e => e.Subject.Contains("found in public", StringComparison.Ordinal));
        Assert.DoesNotContain(await MailDevInbox.ListAsync(member.Email), e => e.Subject.Contains("found in public", StringComparison.Ordinal));
    }
}

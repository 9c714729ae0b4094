namespace Bkmark.Tests.Organisations;

/// <summary>Organisations, members and roles over HTTP through the local host, against Azurite (DESIGN §12).</summary>
public sealed class OrganisationApiTests(OrganisationHostFixture host) : IClassFixture<OrganisationHostFixture>
{
    [Fact]
    public async Task CreateOrganisation_MakesTheCreatorItsOwner_WhenOnTheTeamPlan()
    {
        // Arrange
        var owner = await host.SignUpAsync();

        // Act
        var created = await host.SendAsync(HttpMethod.Post, "api/v1/orgs", new { name = "  Acme  " }, owner.AccessToken);
        var body = await created.ReadJsonAsync();
        var orgId = body.GetProperty("id").GetString()!;
        var listed = await (await host.SendAsync(HttpMethod.Get, "api/v1/orgs", null, owner.AccessToken)).ReadJsonAsync();
        var members = await (await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{orgId}/members", null, owner.AccessToken)).ReadJsonAsync();

        // Assert
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Acme", body.GetProperty("name").GetString());
        Assert.Equal("owner", body.GetProperty("role").GetString());
        var listedOrg = Assert.Single(listed.GetProperty("data").EnumerateArray());
        Assert.Equal(orgId, listedOrg.GetProperty("id").GetString());
        var member = Assert.Single(members.GetProperty("data").EnumerateArray());
        Assert.Equal(owner.Id, member.GetProperty("userId").GetString());
        Assert.Equal(owner.Email, member.GetProperty("email").GetString());
        Assert.Equal("owner", member.GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("free")]
    [InlineData("pro")]
    public async Task CreateOrganisation_Returns403TeamPlanRequired_WhenNotOnTheTeamPlan(string plan)
    {
        // Arrange
        var user = await host.SignUpAsync(plan);

        // Act
        var response = await host.SendAsync(HttpMethod.Post, "api/v1/orgs", new { name = "Acme" }, user.AccessToken);

        // Assert
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.TeamPlanRequired);
    }

    [Fact]
    public async Task CreateOrganisation_Returns400NamingTheField_WhenNameIsMissing()
    {
        var owner = await host.SignUpAsync();

        var response = await host.SendAsync(HttpMethod.Post, "api/v1/orgs", new { }, owner.AccessToken);

        await response.AssertValidationFailedAsync("name");
    }

    [Fact]
    public async Task GetOrganisation_Returns404_ForSomeoneWhoIsNotAMember()
    {
        // Arrange
        var (_, orgId) = await host.SignUpOwnerAsync();
        var stranger = await host.SignUpAsync();

        // Act
        var get = await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{orgId}", null, stranger.AccessToken);
        var members = await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{orgId}/members", null, stranger.AccessToken);
        var library = await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{orgId}/bookmarks", null, stranger.AccessToken);

        // Assert
        await get.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await members.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await library.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task OrganisationLibrary_MemberReadsButCannotWrite_AndAdminWrites()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var member = await host.SignUpMemberAsync(orgId, "member");
        var admin = await host.SignUpMemberAsync(orgId, "admin");
        var org = $"api/v1/orgs/{orgId}";
        await host.CreateBookmarkAsync(org, owner.AccessToken, "https://example.com/shared");

        // Act
        var memberReads = await host.BookmarkUrlsAsync(org, member.AccessToken);
        var memberSearch = await host.SendAsync(HttpMethod.Get, $"{org}/search?q=shared", null, member.AccessToken);
        var memberWrites = await host.SendAsync(HttpMethod.Post, $"{org}/bookmarks", new { url = "https://example.com/member" }, member.AccessToken);
        var memberGroups = await host.SendAsync(HttpMethod.Post, $"{org}/groups", new { name = "nope" }, member.AccessToken);
        var memberImports = await host.SendAsync(HttpMethod.Post, $"{org}/import", new { bookmarks = Array.Empty<object>() }, member.AccessToken);
        await host.CreateBookmarkAsync(org, admin.AccessToken, "https://example.com/by-admin");

        // Assert
        Assert.Equal(["https://example.com/shared"], memberReads);
        Assert.Equal(HttpStatusCode.OK, memberSearch.StatusCode);
        var problem = await memberWrites.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ScopeRequired);
        Assert.Contains("bookmarks:write", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await memberGroups.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ScopeRequired);
        await memberImports.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ScopeRequired);
        Assert.Equal(2, (await host.BookmarkUrlsAsync(org, member.AccessToken)).Count);
    }

    [Fact]
    public async Task OrganisationLibrary_IsSeparateFromEachMembersOwnLibrary()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        await host.CreateBookmarkAsync("api/v1", owner.AccessToken, "https://example.com/personal");
        await host.CreateBookmarkAsync($"api/v1/orgs/{orgId}", owner.AccessToken, "https://example.com/organisation");

        // Act
        var personal = await host.BookmarkUrlsAsync("api/v1", owner.AccessToken);
        var organisation = await host.BookmarkUrlsAsync($"api/v1/orgs/{orgId}", owner.AccessToken);

        // Assert
        Assert.Equal(["https://example.com/personal"], personal);
        Assert.Equal(["https://example.com/organisation"], organisation);
    }

    [Fact]
    public async Task ChangeRole_LetsAnOwnerPromote_ButRefusesAMemberOrAnAdminTouchingAnOwner()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var admin = await host.SignUpMemberAsync(orgId, "admin");
        var member = await host.SignUpMemberAsync(orgId, "member");

        // Act
        var byMember = await host.SendAsync(HttpMethod.Patch, $"api/v1/orgs/{orgId}/members/{admin.Id}", new { role = "member" }, member.AccessToken);
        var adminDemotesOwner = await host.SendAsync(HttpMethod.Patch, $"api/v1/orgs/{orgId}/members/{owner.Id}", new { role = "member" }, admin.AccessToken);
        var adminMakesOwner = await host.SendAsync(HttpMethod.Patch, $"api/v1/orgs/{orgId}/members/{member.Id}", new { role = "owner" }, admin.AccessToken);
        var unknownRole = await host.SendAsync(HttpMethod.Patch, $"api/v1/orgs/{orgId}/members/{member.Id}", new { role = "boss" }, owner.AccessToken);
        var promoted = await host.SendAsync(HttpMethod.Patch, $"api/v1/orgs/{orgId}/members/{member.Id}", new { role = "admin" }, owner.AccessToken);
        var promotedWrites = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/bookmarks", new { url = "https://example.com/promoted" }, member.AccessToken);

        // Assert
        await byMember.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.OrganisationRoleRequired);
        await adminDemotesOwner.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.OrganisationRoleRequired);
        await adminMakesOwner.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.OrganisationRoleRequired);
        await unknownRole.AssertValidationFailedAsync("role");
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Equal("admin", (await promoted.ReadJsonAsync()).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.Created, promotedWrites.StatusCode);
    }

    [Fact]
    public async Task LastOwner_CannotLeave_BeDemoted_OrBeRemoved()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();

        // Act
        var leave = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/leave", null, owner.AccessToken);
        var demote = await host.SendAsync(HttpMethod.Patch, $"api/v1/orgs/{orgId}/members/{owner.Id}", new { role = "admin" }, owner.AccessToken);
        var removeSelf = await host.SendAsync(HttpMethod.Delete, $"api/v1/orgs/{orgId}/members/{owner.Id}", null, owner.AccessToken);

        // Assert
        await leave.AssertProblemAsync(HttpStatusCode.Conflict, ErrorCodes.LastOwner);
        await demote.AssertProblemAsync(HttpStatusCode.Conflict, ErrorCodes.LastOwner);
        await removeSelf.AssertProblemAsync(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{orgId}", null, owner.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task ConcurrentDemotions_OfTheTwoOwners_LeaveExactlyOneOwner()
    {
        // Arrange: two owners, each demoting the other and themselves at once, many times over.
        var (first, orgId) = await host.SignUpOwnerAsync();
        var second = await host.SignUpMemberAsync(orgId, "owner");
        var attempts = new[] { (first, first), (first, second), (second, first), (second, second) };

        // Act
        var answers = await Race.RunAsync(async i =>
        {
            var (actor, target) = attempts[i % attempts.Length];
            using var response = await host.SendAsync(HttpMethod.Patch, $"api/v1/orgs/{orgId}/members/{target.Id}", new { role = "admin" }, actor.AccessToken);
            return response.StatusCode;
        });
        var members = await (await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{orgId}/members", null, first.AccessToken)).ReadJsonAsync();

        // Assert: whatever order they fell in, the organisation kept exactly one owner, and every demotion that
        // would have taken the last one was refused (or lost its race) instead of answering 5xx.
        Assert.All(answers, status => Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.Forbidden }));
        Assert.Contains(HttpStatusCode.OK, answers);
        Assert.Contains(HttpStatusCode.Conflict, answers);
        Assert.Single(members.GetProperty("data").EnumerateArray(), m => m.GetProperty("role").GetString() == "owner");
    }

    [Fact]
    public async Task RemovedMember_LosesTheOrganisationAtOnce_WhileTheKeyTheyMadeKeepsWorking()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var admin = await host.SignUpMemberAsync(orgId, "admin");
        var org = $"api/v1/orgs/{orgId}";
        var key = (await host.CreateOrganisationKeyAsync(orgId, admin)).GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, $"{org}/bookmarks", null, admin.AccessToken)).StatusCode);

        // Act
        var removed = await host.SendAsync(HttpMethod.Delete, $"{org}/members/{admin.Id}", null, owner.AccessToken);
        var sessionAfter = await host.SendAsync(HttpMethod.Get, $"{org}/bookmarks", null, admin.AccessToken);
        var listedAfter = await (await host.SendAsync(HttpMethod.Get, "api/v1/orgs", null, admin.AccessToken)).ReadJsonAsync();
        var keyAfter = await host.SendAsync(HttpMethod.Post, $"{org}/bookmarks", new { url = "https://example.com/by-key" }, key);
        var ownerSees = await (await host.SendAsync(HttpMethod.Get, $"{org}/api-keys", null, owner.AccessToken)).ReadJsonAsync();

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await sessionAfter.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        Assert.Empty(listedAfter.GetProperty("data").EnumerateArray());
        Assert.Equal(HttpStatusCode.Created, keyAfter.StatusCode);
        Assert.Single(ownerSees.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Leave_RemovesTheMember_AndTheirSessionLosesTheOrganisation()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var member = await host.SignUpMemberAsync(orgId, "member");

        // Act
        var left = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/leave", null, member.AccessToken);
        var after = await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{orgId}/bookmarks", null, member.AccessToken);

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        await after.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }
}

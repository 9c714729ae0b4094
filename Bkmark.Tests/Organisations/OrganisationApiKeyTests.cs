namespace Bkmark.Tests.Organisations;

/// <summary>Organisation API keys over HTTP (DESIGN §12): made by admins, acting on the organisation's library only.</summary>
public sealed class OrganisationApiKeyTests(OrganisationHostFixture host) : IClassFixture<OrganisationHostFixture>
{
    [Fact]
    public async Task OrganisationKey_NeverSeesAPersonalLibrary_AndAPersonalKeyNeverSeesTheOrganisations()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var org = $"api/v1/orgs/{orgId}";
        await host.CreateBookmarkAsync("api/v1", owner.AccessToken, "https://example.com/personal");
        await host.CreateBookmarkAsync(org, owner.AccessToken, "https://example.com/organisation");
        var orgKey = (await host.CreateOrganisationKeyAsync(orgId, owner, "bookmarks:read")).GetProperty("key").GetString()!;
        var personalKey = await CreatePersonalKeyAsync(owner);

        // Act
        var orgKeyOnOrg = await host.BookmarkUrlsAsync(org, orgKey);
        var orgKeyOnLibraryRoute = await host.BookmarkUrlsAsync("api/v1", orgKey);
        var personalKeyOnOrg = await host.SendAsync(HttpMethod.Get, $"{org}/bookmarks", null, personalKey);
        var personalKeyOnOwn = await host.BookmarkUrlsAsync("api/v1", personalKey);

        // Assert: the organisation's key reads the organisation's library whichever library route it calls.
        Assert.Equal(["https://example.com/organisation"], orgKeyOnOrg);
        Assert.Equal(["https://example.com/organisation"], orgKeyOnLibraryRoute);
        await personalKeyOnOrg.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        Assert.Equal(["https://example.com/personal"], personalKeyOnOwn);
    }

    [Theory]
    [InlineData("GET", "api/v1/me")]
    [InlineData("GET", "api/v1/api-keys")]
    [InlineData("POST", "api/v1/api-keys")]
    [InlineData("GET", "api/v1/me/sessions")]
    [InlineData("GET", "api/v1/orgs")]
    public async Task OrganisationKey_IsRefused_OnAccountRoutes(string method, string path)
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var orgKey = (await host.CreateOrganisationKeyAsync(orgId, owner)).GetProperty("key").GetString()!;

        // Act
        var response = await host.SendAsync(new HttpMethod(method), path, new { name = "escape", scopes = new[] { "bookmarks:read" } }, orgKey);

        // Assert
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, text);
        Assert.DoesNotContain(owner.Id, text, StringComparison.Ordinal);
        Assert.DoesNotContain(owner.Email, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrganisationKey_IsAnsweredNotFound_OnAnotherOrganisation()
    {
        // Arrange
        var owner = await host.SignUpAsync();
        var first = await host.CreateOrganisationAsync(owner, "First");
        var second = await host.CreateOrganisationAsync(owner, "Second");
        var firstKey = (await host.CreateOrganisationKeyAsync(first, owner)).GetProperty("key").GetString()!;

        // Act
        var response = await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{second}/bookmarks", null, firstKey);
        var verified = await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", null, firstKey)).ReadJsonAsync();

        // Assert
        await response.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        Assert.Equal(first, verified.GetProperty("organisationId").GetString());
    }

    [Fact]
    public async Task OrganisationKeys_AreManagedByAdminsOnly_AndStayOutOfTheirPersonalList()
    {
        // Arrange
        var (owner, orgId) = await host.SignUpOwnerAsync();
        var member = await host.SignUpMemberAsync(orgId, "member");
        var created = await host.CreateOrganisationKeyAsync(orgId, owner);
        var keyId = created.GetProperty("id").GetString()!;

        // Act
        var memberCreates = await host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/api-keys", new { name = "m", scopes = new[] { "bookmarks:read" } }, member.AccessToken);
        var memberLists = await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{orgId}/api-keys", null, member.AccessToken);
        var memberRevokes = await host.SendAsync(HttpMethod.Delete, $"api/v1/orgs/{orgId}/api-keys/{keyId}", null, member.AccessToken);
        var personalList = await (await host.SendAsync(HttpMethod.Get, "api/v1/api-keys", null, owner.AccessToken)).ReadJsonAsync();
        var revokedAsPersonal = await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{keyId}", null, owner.AccessToken);
        var revoked = await host.SendAsync(HttpMethod.Delete, $"api/v1/orgs/{orgId}/api-keys/{keyId}", null, owner.AccessToken);
        var used = await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{orgId}/bookmarks", null, created.GetProperty("key").GetString());

        // Assert
        await memberCreates.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.OrganisationRoleRequired);
        await memberLists.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.OrganisationRoleRequired);
        await memberRevokes.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.OrganisationRoleRequired);
        Assert.Empty(personalList.GetProperty("data").EnumerateArray());
        await revokedAsPersonal.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await used.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
    }

    [Fact]
    public async Task CreateOrganisationApiKey_RespectsThePerOrganisationLimit_Under15ConcurrentCreates()
    {
        // Arrange: the owner's own keys do not count against the organisation's limit.
        var (owner, orgId) = await host.SignUpOwnerAsync();
        await CreatePersonalKeyAsync(owner);

        // Act
        var answers = await Race.SendAsync(
            () => host.SendAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/api-keys", new { name = "raced", scopes = new[] { "bookmarks:read" } }, owner.AccessToken),
            copies: 15);
        var listed = await (await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{orgId}/api-keys", null, owner.AccessToken)).ReadJsonAsync();

        // Assert
        Assert.Equal(OrganisationHostFixture.KeyLimit, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => Assert.Equal(ErrorCodes.KeyLimitReached, a.Code));
        Assert.Equal(OrganisationHostFixture.KeyLimit, listed.GetProperty("data").GetArrayLength());
    }

    private async Task<string> CreatePersonalKeyAsync(SignedInUser user)
    {
        var response = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "personal", scopes = new[] { "bookmarks:write" } }, user.AccessToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("key").GetString()!;
    }
}

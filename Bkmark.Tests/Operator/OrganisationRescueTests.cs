using Bkmark.Core.Accounts;
using Bkmark.Core.SecurityLog;
using Bkmark.Tests.Organisations;

namespace Bkmark.Tests.Operator;

/// <summary><c>POST /admin/orgs/{id}/owner</c> (DESIGN §16): support gives an orphaned organisation an owner.</summary>
public sealed class OrganisationRescueTests(OrganisationHostFixture host) : IClassFixture<OrganisationHostFixture>
{
    [Fact]
    public async Task SetOwner_RescuesAnOrganisationWhoseOnlyOwnerWasDeleted()
    {
        // Arrange: the only owner's account is gone. DELETE /me refuses that now (409 ORGANISATION_OWNER_REQUIRED,
        // DESIGN §14), so the account is marked deleted as a deletion before §14 left it; the admin left behind cannot
        // make anyone an owner.
        var (owner, organisationId) = await host.SignUpOwnerAsync();
        var admin = await host.SignUpMemberAsync(organisationId, "admin");
        var member = await host.SignUpMemberAsync(organisationId, "member");
        await (await host.SendAsync(HttpMethod.Delete, "api/v1/me", new { password = Password }, owner.AccessToken))
            .AssertProblemAsync(HttpStatusCode.Conflict, ErrorCodes.OrganisationOwnerRequired);
        Assert.True((await host.Services.GetRequiredService<AccountService>().MarkDeletedAsync(owner.Id, CancellationToken.None)).Succeeded);

        await (await host.SendAsync(HttpMethod.Patch, $"api/v1/orgs/{organisationId}/members/{member.Id}", new { role = "owner" }, admin.AccessToken))
            .AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.OrganisationRoleRequired);

        // Act
        using var response = await host.SendAsOperatorAsync(HttpMethod.Post, $"api/v1/admin/orgs/{organisationId}/owner", new { userId = admin.Id });

        // Assert: the new owner runs the organisation, and is told who made them one.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("owner", (await response.ReadJsonAsync()).GetProperty("role").GetString());
        var promoted = await host.SendForJsonAsync(HttpMethod.Patch, $"api/v1/orgs/{organisationId}/members/{member.Id}", new { role = "owner" }, admin.AccessToken);
        Assert.Equal("owner", promoted.GetProperty("role").GetString());
        var log = await host.GetJsonAsync(admin.AccessToken, "api/v1/me/security-events");
        var appointed = Assert.Single(log.GetProperty("data").EnumerateArray(), e => e.GetProperty("type").GetString() == SecurityEventTypes.OperatorOrganisationOwnerSet);
        Assert.Equal(organisationId, appointed.GetProperty("details").GetProperty("organisationId").GetString());
        var notice = await MailDevInbox.WaitForEmailAsync(admin.Email, e => e.Subject == "Bkmark support made you an owner of an organisation");
        Assert.Contains("Acme", notice.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetOwner_Answers400NamingUserId_WhenTheUserIsNoMember()
    {
        // Arrange: an outsider with an account of their own.
        var (_, organisationId) = await host.SignUpOwnerAsync();
        var outsider = await host.SignUpAsync();

        using var response = await host.SendAsOperatorAsync(HttpMethod.Post, $"api/v1/admin/orgs/{organisationId}/owner", new { userId = outsider.Id });

        await response.AssertValidationFailedAsync("userId");
        await (await host.SendAsync(HttpMethod.Get, $"api/v1/orgs/{organisationId}", bearer: outsider.AccessToken))
            .AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task SetOwner_Answers400NamingUserId_WhenItIsMissing()
    {
        var (_, organisationId) = await host.SignUpOwnerAsync();

        using var response = await host.SendAsOperatorAsync(HttpMethod.Post, $"api/v1/admin/orgs/{organisationId}/owner", new { });

        await response.AssertValidationFailedAsync("userId");
    }

    [Fact]
    public async Task SetOwner_Answers404_WhenTheOrganisationIsUnknown()
    {
        var someone = await host.SignUpAsync();

        using var response = await host.SendAsOperatorAsync(HttpMethod.Post, "api/v1/admin/orgs/01JZZZZZZZZZZZZZZZZZZZZZZZ/owner", new { userId = someone.Id });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }
}

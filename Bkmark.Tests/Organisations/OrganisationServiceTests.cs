using Bkmark.Core.Accounts;
using Bkmark.Core.Organisations;

namespace Bkmark.Tests.Organisations;

/// <summary>The organisation service on Azurite: the roster as the authority, and the member rows requests read.</summary>
public sealed class OrganisationServiceTests : CoreServicesTest
{
    private OrganisationService Organisations => Core.Get<OrganisationService>();

    /// <summary>A Team account's new organisation, with a second Team account joined (as an accepted invitation does) as <paramref name="role"/>.</summary>
    private async Task<(string OrgId, string OwnerId, Caller Owner, string MemberId)> CreateOrganisationWithMemberAsync(string role)
    {
        var (ownerId, owner) = await Core.CreateUserAsync(Plans.Team);
        var (memberId, _) = await Core.CreateUserAsync(Plans.Team);
        var created = await Organisations.CreateAsync(owner, "Acme", CancellationToken.None);
        Assert.True(created.Succeeded);
        Assert.True((await Organisations.JoinAsync(created.Value.Id, memberId, "m@example.com", role, CancellationToken.None)).Succeeded);
        return (created.Value.Id, ownerId, owner, memberId);
    }

    [Fact]
    public async Task ConcurrentRoleChanges_LeaveTheMemberRow_AtTheRostersRole()
    {
        // Arrange
        var (orgId, ownerId, owner, memberId) = await CreateOrganisationWithMemberAsync(OrganisationRoles.Member);
        string[] roles = [OrganisationRoles.Admin, OrganisationRoles.Member];

        // Act: changes race for the roster and then for the member's row, in whatever order they land.
        await Race.RunAsync(i => Organisations.ChangeRoleAsync(owner, orgId, memberId, roles[i % 2], CancellationToken.None));
        var roster = (await Organisations.FindAsync(orgId, CancellationToken.None))!.ReadRoster();
        var row = await Organisations.FindMemberAsync(orgId, memberId, CancellationToken.None);

        // Assert: the row a request reads says what the roster says, never an older change.
        Assert.NotNull(row);
        Assert.Equal(roster[memberId], row.Role);
        Assert.Equal(OrganisationRoles.Owner, roster[ownerId]);
    }

    [Fact]
    public async Task Join_KeepsAnExistingMembersRole_WhenAnOlderInvitationIsAccepted()
    {
        // Arrange
        var (orgId, _, _, memberId) = await CreateOrganisationWithMemberAsync(OrganisationRoles.Admin);

        // Act
        var again = await Organisations.JoinAsync(orgId, memberId, "m@example.com", OrganisationRoles.Member, CancellationToken.None);

        // Assert
        Assert.True(again.Succeeded);
        Assert.Equal(OrganisationRoles.Admin, again.Value.Role);
        Assert.Equal(OrganisationRoles.Admin, (await Organisations.FindMemberAsync(orgId, memberId, CancellationToken.None))!.Role);
    }

    [Fact]
    public async Task Remove_DeletesTheMemberRow_AndTheMembershipFromTheirList()
    {
        // Arrange
        var (orgId, _, owner, memberId) = await CreateOrganisationWithMemberAsync(OrganisationRoles.Member);

        // Act
        var removed = await Organisations.RemoveAsync(owner, orgId, memberId, CancellationToken.None);
        var removedAgain = await Organisations.RemoveAsync(owner, orgId, memberId, CancellationToken.None);

        // Assert
        Assert.True(removed.Succeeded);
        Assert.Null(await Organisations.FindMemberAsync(orgId, memberId, CancellationToken.None));
        Assert.Empty(await Organisations.ListAsync(memberId, CancellationToken.None));
        Assert.False(removedAgain.Succeeded);
        Assert.Equal(ErrorCodes.NotFound, removedAgain.Problem.Code);
    }
}

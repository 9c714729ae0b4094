using Azure.Core.Pipeline;
using Bkmark.Core.Accounts;
using Bkmark.Core.Organisations;

namespace Bkmark.Tests.Organisations;

/// <summary>
/// The local host with accounts on the Team plan, a small per-organisation key limit (so races can reach it)
/// and storage requests counted.
/// </summary>
public sealed class OrganisationHostFixture() : LocalHostFixture(new Dictionary<string, string?> { ["ApiKeys:TeamMaxActiveKeys"] = KeyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) })
{
    public const int KeyLimit = 3;

    public StorageRequestCounter StorageRequests { get; } = new();

    public StorageFaults StorageFaults { get; } = new();

    protected override string DefaultPlan => Plans.Team;

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<HttpPipelinePolicy>(StorageRequests);
        services.AddSingleton<HttpPipelinePolicy>(StorageFaults);
    }

    /// <summary>Creates an organisation with <paramref name="owner"/>'s session and returns its id.</summary>
    public async Task<string> CreateOrganisationAsync(SignedInUser owner, string name = "Acme")
    {
        var response = await SendAsync(HttpMethod.Post, "api/v1/orgs", new { name }, owner.AccessToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    /// <summary>Signs up a new account and creates an organisation with its session, which the account then owns.</summary>
    public async Task<(SignedInUser Owner, string OrganisationId)> SignUpOwnerAsync(string name = "Acme")
    {
        var owner = await SignUpAsync();
        return (owner, await CreateOrganisationAsync(owner, name));
    }

    /// <summary>Signs up a new account and puts it in the organisation with <paramref name="role"/> (see <see cref="JoinAsync"/>).</summary>
    public async Task<SignedInUser> SignUpMemberAsync(string organisationId, string role)
    {
        var member = await SignUpAsync();
        await JoinAsync(organisationId, member, role);
        return member;
    }

    /// <summary>
    /// Puts <paramref name="user"/> in the organisation as an accepted invitation does (the invitation's own
    /// path, email and token, is tested in <see cref="InvitationApiTests"/>).
    /// </summary>
    public async Task JoinAsync(string organisationId, SignedInUser user, string role)
    {
        var joined = await Services.GetRequiredService<OrganisationService>().JoinAsync(organisationId, user.Id, user.Email, role, CancellationToken.None);
        Assert.True(joined.Succeeded);
    }

    /// <summary>Creates a key for the organisation with a manager's session and returns the 201 body.</summary>
    public async Task<JsonElement> CreateOrganisationKeyAsync(string organisationId, SignedInUser manager, params string[] scopes)
    {
        var response = await SendAsync(
            HttpMethod.Post, $"api/v1/orgs/{organisationId}/api-keys", new { name = "org key", scopes = scopes.Length == 0 ? ["bookmarks:write"] : scopes }, manager.AccessToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Creates a bookmark in the library under <paramref name="libraryPath"/> (<c>api/v1</c> or <c>api/v1/orgs/{id}</c>).</summary>
    public async Task<string> CreateBookmarkAsync(string libraryPath, string credential, string url)
    {
        var response = await SendAsync(HttpMethod.Post, $"{libraryPath}/bookmarks", new { url, title = url }, credential);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    /// <summary>The URLs of the bookmarks a credential sees under <paramref name="libraryPath"/>.</summary>
    public async Task<IReadOnlyList<string>> BookmarkUrlsAsync(string libraryPath, string credential)
    {
        var response = await SendAsync(HttpMethod.Get, $"{libraryPath}/bookmarks", null, credential);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("data").EnumerateArray().Select(b => b.GetProperty("url").GetString()!).ToList();
    }
}

using System.Reflection;
using Bkmark.LocalHost;

namespace Bkmark.Tests.Http;

/// <summary>
/// GET /api/openapi.json serves docs/openapi.json; it names exactly the routes of functions.metadata, and
/// real responses (one or more per resource family, and errors) validate against its schemas.
/// </summary>
public sealed class OpenApiDocumentTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private OpenApiContract? contract;

    [Fact]
    public async Task Document_IsServed_AsTheRepositoryFile()
    {
        // Act
        var response = await host.Client.GetAsync("api/openapi.json");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllTextAsync(RepositoryFiles.PathOf("docs/openapi.json")), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Document_NamesExactlyTheRoutesOfFunctionsMetadata()
    {
        // Arrange
        var contract = await ContractAsync();
        var metadata = FunctionsMetadata.ReadFor(Assembly.Load("Bkmark.Functions"))!;
        var functions = metadata
            .Where(e => e.TriggerType == "httpTrigger")
            .SelectMany(e => e.HttpMethods.Select(m => (Operation: $"{m} /{e.Route!.Trim('/')}", Function: e.Name)))
            .ToList();

        // Act
        var undocumented = functions.Where(f => !contract.Operations.Contains(f.Operation)).ToList();
        var unserved = contract.Operations.Except(functions.Select(f => f.Operation)).Order().ToList();

        // Assert: a route added without its description (or a description left behind) says what to change.
        Assert.True(undocumented.Count == 0 && unserved.Count == 0,
            string.Join('\n', undocumented.Select(f =>
                $"Function {f.Function} serves {f.Operation}, which docs/openapi.json does not describe: add the operation " +
                "(operationId = the function name, its request body, and every response it answers, with a schema) under \"paths\".")
            .Concat(unserved.Select(o => $"docs/openapi.json describes {o}, which no function in functions.metadata serves: remove it or fix its path."))));
    }

    [Fact]
    public async Task Responses_MatchTheirSchemas_AcrossAccountsSessionsAndSecurity()
    {
        var contract = await ContractAsync();
        var email = ApiTestClient.NewEmail();

        var register = await host.SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email, password = ApiTestClient.Password, displayName = "Ada" });
        await contract.AssertDescribesAsync(register, "post", "/v1/auth/register");
        var userId = (await register.ReadJsonAsync()).GetProperty("id").GetString()!;
        var login = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password = ApiTestClient.Password });
        await contract.AssertDescribesAsync(login, "post", "/v1/auth/login");
        var tokens = await login.ReadJsonAsync();
        string access = tokens.GetProperty("accessToken").GetString()!;

        var refresh = await host.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        await contract.AssertDescribesAsync(refresh, "post", "/v1/auth/refresh");
        access = (await refresh.ReadJsonAsync()).GetProperty("accessToken").GetString()!;

        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: access), "get", "/v1/me");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: access), "get", "/v1/auth/verify");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/auth/jwks"), "get", "/v1/auth/jwks");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/me/sessions", bearer: access), "get", "/v1/me/sessions");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Post, "api/v1/me/sessions/revoke-others", bearer: access), "post", "/v1/me/sessions/revoke-others");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/me/two-factor", bearer: access), "get", "/v1/me/two-factor");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: access), "post", "/v1/me/two-factor/totp/setup");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/me/passkeys", bearer: access), "get", "/v1/me/passkeys");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Post, "api/v1/me/passkeys/options", bearer: access), "post", "/v1/me/passkeys/options");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Post, "api/v1/auth/passkeys/options"), "post", "/v1/auth/passkeys/options");

        var plan = new HttpRequestMessage(HttpMethod.Put, $"api/v1/admin/users/{userId}/plan") { Content = JsonContent.Create(new { plan = "pro" }) };
        plan.Headers.Add("x-functions-key", host.FunctionKey);
        await contract.AssertDescribesAsync(await host.Client.SendAsync(plan), "put", "/v1/admin/users/{id}/plan");

        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Post, "api/v1/auth/logout", bearer: access), "post", "/v1/auth/logout");
    }

    [Fact]
    public async Task Responses_MatchTheirSchemas_AcrossApiKeysBookmarksTagsGroupsAndSearch()
    {
        var contract = await ContractAsync();
        var (userId, access, _) = await host.Client.SignUpAsync();
        var plan = new HttpRequestMessage(HttpMethod.Put, $"api/v1/admin/users/{userId}/plan") { Content = JsonContent.Create(new { plan = "pro" }) };
        plan.Headers.Add("x-functions-key", host.FunctionKey);
        (await host.Client.SendAsync(plan)).EnsureSuccessStatusCode();

        var created = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "contract", scopes = new[] { "bookmarks:read" } }, access);
        await contract.AssertDescribesAsync(created, "post", "/v1/api-keys");
        string keyId = (await created.ReadJsonAsync()).GetProperty("id").GetString()!;
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/api-keys", bearer: access), "get", "/v1/api-keys");
        // The review lists the key just made, with the address and browser of its apikey.created event.
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/me/security-review", bearer: access), "get", "/v1/me/security-review");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys/{keyId}", bearer: access), "get", "/v1/api-keys/{id}");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{keyId}", new { name = "renamed" }, access), "patch", "/v1/api-keys/{id}");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{keyId}", bearer: access), "delete", "/v1/api-keys/{id}");

        var group = await host.SendAsync(HttpMethod.Post, "api/v1/groups", new { name = "Reading" }, access);
        await contract.AssertDescribesAsync(group, "post", "/v1/groups");
        string groupId = (await group.ReadJsonAsync()).GetProperty("id").GetString()!;
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/groups", bearer: access), "get", "/v1/groups");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, $"api/v1/groups/{groupId}", bearer: access), "get", "/v1/groups/{id}");

        var bookmark = await host.SendAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://example.com/a", title = "A", tags = new[] { "news" }, groupId }, access);
        await contract.AssertDescribesAsync(bookmark, "post", "/v1/bookmarks");
        string bookmarkId = (await bookmark.ReadJsonAsync()).GetProperty("id").GetString()!;
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/bookmarks", bearer: access), "get", "/v1/bookmarks");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Patch, $"api/v1/bookmarks/{bookmarkId}", new { favorite = true }, access), "patch", "/v1/bookmarks/{id}");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/tags", bearer: access), "get", "/v1/tags");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/search?q=example", bearer: access), "get", "/v1/search");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Delete, $"api/v1/bookmarks/{bookmarkId}", bearer: access), "delete", "/v1/bookmarks/{id}");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/trash", bearer: access), "get", "/v1/trash");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Post, $"api/v1/bookmarks/{bookmarkId}/restore", bearer: access), "post", "/v1/bookmarks/{id}/restore");
    }

    [Fact]
    public async Task Responses_MatchTheirSchemas_AcrossTheOperatorRoutes()
    {
        var contract = await ContractAsync();
        var person = await host.Client.SignUpAsync();
        var users = $"api/v1/admin/users/{person.Id}";

        await contract.AssertDescribesAsync(await host.SendAsOperatorAsync(HttpMethod.Get, $"api/v1/admin/users?email={person.Email}"), "get", "/v1/admin/users");
        await contract.AssertDescribesAsync(await host.SendAsOperatorAsync(HttpMethod.Post, $"{users}/lock", new { reason = "contract" }), "post", "/v1/admin/users/{id}/lock");
        await contract.AssertDescribesAsync(await host.SendAsOperatorAsync(HttpMethod.Post, $"{users}/unlock"), "post", "/v1/admin/users/{id}/unlock");
        await contract.AssertDescribesAsync(await host.SendAsOperatorAsync(HttpMethod.Post, $"{users}/sign-out"), "post", "/v1/admin/users/{id}/sign-out");
        await contract.AssertDescribesAsync(await host.SendAsOperatorAsync(HttpMethod.Post, $"{users}/two-factor/reset"), "post", "/v1/admin/users/{id}/two-factor/reset");
        await contract.AssertDescribesAsync(await host.SendAsOperatorAsync(HttpMethod.Get, $"{users}/security-events"), "get", "/v1/admin/users/{id}/security-events");
        await contract.AssertDescribesAsync(await host.SendAsOperatorAsync(HttpMethod.Get, "api/v1/admin/diagnostics/request"), "get", "/v1/admin/diagnostics/request");
        await contract.AssertDescribesAsync(
            await host.SendAsOperatorAsync(HttpMethod.Post, "api/v1/admin/orgs/01JZZZZZZZZZZZZZZZZZZZZZZZ/owner", new { userId = person.Id }), "post", "/v1/admin/orgs/{id}/owner");
    }

    [Fact]
    public async Task ErrorResponses_MatchTheProblemSchema()
    {
        var contract = await ContractAsync();
        var (_, access, _) = await host.Client.SignUpAsync();

        var missingToken = await host.SendAsync(HttpMethod.Get, "api/v1/me");
        await missingToken.AssertProblemAsync(HttpStatusCode.Unauthorized, "MISSING_TOKEN");
        await contract.AssertDescribesAsync(await host.SendAsync(HttpMethod.Get, "api/v1/me"), "get", "/v1/me");

        var invalid = await host.SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email = "not an email", password = "short" });
        await contract.AssertDescribesAsync(invalid, "post", "/v1/auth/register");

        var notFound = await host.SendAsync(HttpMethod.Get, "api/v1/bookmarks/01ARZ3NDEKTSV4RRFFQ69G5FAV", bearer: access);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        await contract.AssertDescribesAsync(notFound, "get", "/v1/bookmarks/{id}");

        var freePlan = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "k", scopes = new[] { "bookmarks:read" } }, access);
        await contract.AssertDescribesAsync(freePlan, "post", "/v1/api-keys");
    }

    private async Task<OpenApiContract> ContractAsync() =>
        contract ??= OpenApiContract.Parse(await host.Client.GetStringAsync("api/openapi.json"));
}

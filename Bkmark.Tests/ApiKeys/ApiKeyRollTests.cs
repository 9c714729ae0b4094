namespace Bkmark.Tests.ApiKeys;

/// <summary><c>POST /api-keys/{id}/roll</c> over HTTP through the local host, against Azurite (DESIGN §10).</summary>
public sealed class ApiKeyRollTests(ApiKeyHostFixture host) : IClassFixture<ApiKeyHostFixture>
{
    [Fact]
    public async Task Roll_Returns201ANewValueForTheSameKey_AndThePreviousWorksUntilTheGraceEnds()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken, new { name = "deploy", scopes = new[] { "tags:read", "bookmarks:read" }, rateLimitPerMinute = 7 });
        var (id, oldKey) = (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);

        var response = await host.RollKeyAsync(user.AccessToken, id, expiresPreviousIn: 60);
        var rolled = await response.ReadJsonAsync();
        var newKey = rolled.GetProperty("key").GetString()!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["id", "name", "key", "keyPrefix", "scopes", "expiresAt", "createdAt", "previousExpiresAt"], rolled.EnumerateObject().Select(p => p.Name));
        Assert.Equal(id, rolled.GetProperty("id").GetString());
        Assert.Equal("deploy", rolled.GetProperty("name").GetString());
        Assert.Matches("^bk_[0-9a-f]{32}$", newKey);
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal(newKey[..11], rolled.GetProperty("keyPrefix").GetString());
        Assert.Equal(created.GetProperty("createdAt").GetString(), rolled.GetProperty("createdAt").GetString());
        Assert.Equal(host.Time.GetUtcNow().AddSeconds(60).ToUnixTimeMilliseconds(), rolled.GetProperty("previousExpiresAt").GetDateTimeOffset().ToUnixTimeMilliseconds());

        // Both values are the same key: same id, scopes and rate limit.
        var viaNew = await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: newKey)).ReadJsonAsync();
        var viaOld = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: oldKey);
        Assert.Equal(HttpStatusCode.OK, viaOld.StatusCode);
        Assert.Equal(id, viaNew.GetProperty("keyId").GetString());
        Assert.Equal(["tags:read", "bookmarks:read"], viaNew.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("7", viaOld.Headers.GetValues("RateLimit-Limit").Single());

        host.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: oldKey)).StatusCode);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: oldKey)).AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: newKey)).StatusCode);
    }

    [Fact]
    public async Task Roll_WithNoGrace_EndsThePreviousValueAtOnce()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);

        var rolled = await (await host.RollKeyAsync(user.AccessToken, created.GetProperty("id").GetString()!, expiresPreviousIn: 0)).ReadJsonAsync();

        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: created.GetProperty("key").GetString())).AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: rolled.GetProperty("key").GetString())).StatusCode);
    }

    [Fact]
    public async Task List_ShowsPreviousExpiresAt_WhileThePreviousValueWorks()
    {
        var user = await host.SignUpAsync();
        var id = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("id").GetString()!;
        Assert.Equal(JsonValueKind.Null, (await GetKeyAsync(user.AccessToken, id)).GetProperty("previousExpiresAt").ValueKind);

        var rolled = await (await host.RollKeyAsync(user.AccessToken, id, expiresPreviousIn: 3600)).ReadJsonAsync();
        var listed = await GetKeyAsync(user.AccessToken, id);

        Assert.Equal(rolled.GetProperty("previousExpiresAt").GetString(), listed.GetProperty("previousExpiresAt").GetString());
        Assert.Equal(rolled.GetProperty("keyPrefix").GetString(), listed.GetProperty("keyPrefix").GetString());
    }

    [Fact]
    public async Task Roll_TwiceWithinTheGrace_EndsTheOldestValueAtOnce()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var id = created.GetProperty("id").GetString()!;

        var second = await (await host.RollKeyAsync(user.AccessToken, id, expiresPreviousIn: 3600)).ReadJsonAsync();
        var third = await (await host.RollKeyAsync(user.AccessToken, id, expiresPreviousIn: 3600)).ReadJsonAsync();

        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: created.GetProperty("key").GetString())).AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: second.GetProperty("key").GetString())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: third.GetProperty("key").GetString())).StatusCode);
    }

    [Fact]
    public async Task Roll_LeavesExactlyOneCurrentValue_When10RollsOfOneKeyArriveAtOnce()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var id = created.GetProperty("id").GetString()!;

        var answers = await Race.SendAsync(() => host.RollKeyAsync(user.AccessToken, id, expiresPreviousIn: 0), copies: 10);

        answers.AssertEachSucceededOr("CONFLICT");
        var handedOut = answers.Where(a => a.Succeeded).Select(a => a.Json.GetProperty("key").GetString()!).Append(created.GetProperty("key").GetString()!).ToList();
        Assert.True(handedOut.Count > 1, "At least one roll should have succeeded.");
        var working = new List<string>();
        foreach (var key in handedOut)
        {
            if ((await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).StatusCode == HttpStatusCode.OK)
            {
                working.Add(key);
            }
        }

        var current = Assert.Single(working);
        Assert.Equal(current[..11], (await GetKeyAsync(user.AccessToken, id)).GetProperty("keyPrefix").GetString());
    }

    [Fact]
    public async Task Revoke_AfterARoll_EndsThePreviousValueInItsGraceToo()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var id = created.GetProperty("id").GetString()!;
        var rolled = await (await host.RollKeyAsync(user.AccessToken, id, expiresPreviousIn: 3600)).ReadJsonAsync();

        (await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{id}", bearer: user.AccessToken)).EnsureSuccessStatusCode();

        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: created.GetProperty("key").GetString())).AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: rolled.GetProperty("key").GetString())).AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"expiresPreviousIn":-1}""")]
    [InlineData("""{"expiresPreviousIn":604801}""")]
    [InlineData("""{"expiresPreviousIn":"soon"}""")]
    public async Task Roll_Returns400NamingExpiresPreviousIn_WhenItIsMissingOrOutOfRange(string json)
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/api-keys/{created.GetProperty("id").GetString()}/roll")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", user.AccessToken);

        var response = await host.Client.SendAsync(request);

        await response.AssertValidationFailedAsync("expiresPreviousIn");
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: created.GetProperty("key").GetString())).StatusCode);
    }

    [Fact]
    public async Task Roll_WithAKeyLackingTheKeysScopes_Returns403ScopeRequired_ButAKeyMayRollItself()
    {
        var user = await host.SignUpAsync();
        var wide = await host.CreateKeyAsync(user.AccessToken, new { name = "wide", scopes = new[] { "bookmarks:write" } });
        var narrow = await host.CreateKeyAsync(user.AccessToken, new { name = "narrow", scopes = new[] { "tags:read" } });

        var refused = await host.RollKeyAsync(narrow.GetProperty("key").GetString()!, wide.GetProperty("id").GetString()!, 0);
        var itself = await host.RollKeyAsync(narrow.GetProperty("key").GetString()!, narrow.GetProperty("id").GetString()!, 60);

        await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "SCOPE_REQUIRED");
        Assert.Equal(HttpStatusCode.Created, itself.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: wide.GetProperty("key").GetString())).StatusCode);
    }

    [Fact]
    public async Task Roll_OfAnotherUsersKey_Returns404()
    {
        var owner = await host.SignUpAsync();
        var stranger = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(owner.AccessToken);

        var response = await host.RollKeyAsync(stranger.AccessToken, created.GetProperty("id").GetString()!, 0);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: created.GetProperty("key").GetString())).StatusCode);
    }

    [Fact]
    public async Task Roll_RecordsApiKeyRolled_WithThePrefixButNeverTheKey()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var rolled = await (await host.RollKeyAsync(user.AccessToken, created.GetProperty("id").GetString()!, 0)).ReadJsonAsync();

        var events = await (await host.SendAsync(HttpMethod.Get, "api/v1/me/security-events", bearer: user.AccessToken)).Content.ReadAsStringAsync();

        var rolledEvent = JsonDocument.Parse(events).RootElement.GetProperty("data").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "apikey.rolled");
        Assert.Equal(rolled.GetProperty("keyPrefix").GetString(), rolledEvent.GetProperty("details").GetProperty("keyPrefix").GetString());
        Assert.DoesNotContain(rolled.GetProperty("key").GetString()!, events);
    }

    private async Task<JsonElement> GetKeyAsync(string credential, string id)
    {
        var response = await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys/{id}", bearer: credential);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}

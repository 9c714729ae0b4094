namespace Bkmark.Tests.ApiKeys;

/// <summary>The API-key routes over HTTP through the local host, against Azurite.</summary>
public sealed class ApiKeyEndpointsTests(ApiKeyHostFixture host) : IClassFixture<ApiKeyHostFixture>
{
    private const string KeyPattern = "^bk_[0-9a-f]{32}$";
    private static readonly string[] ReadBookmarks = ["bookmarks:read"];

    // The documented key object, then what round two (DESIGN §10) added at its end.
    private static readonly string[] KeyObjectFields =
        ["id", "name", "keyPrefix", "scopes", "lastUsedAt", "expiresAt", "createdAt", "rateLimitPerMinute", "allowedIps", "lastUsedIp", "lastUsedUserAgent", "previousExpiresAt", "environment"];

    [Fact]
    public async Task Create_Returns201WithExactlyTheDocumentedShape()
    {
        var user = await host.SignUpAsync();
        var expiresAt = host.Time.GetUtcNow().AddDays(30);

        var response = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new
        {
            name = "  Home server backup  ",
            scopes = new[] { "bookmarks:read", "tags:read", "bookmarks:read" },
            expiresAt,
        }, user.AccessToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["id", "name", "key", "keyPrefix", "scopes", "expiresAt", "createdAt", "environment"], body.EnumerateObject().Select(p => p.Name));
        var key = body.GetProperty("key").GetString()!;
        Assert.Matches(KeyPattern, key);
        Assert.Equal(key[..11], body.GetProperty("keyPrefix").GetString());
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{26}$", body.GetProperty("id").GetString());
        Assert.Equal("Home server backup", body.GetProperty("name").GetString());
        Assert.Equal(["bookmarks:read", "tags:read"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", body.GetProperty("createdAt").GetString());
        Assert.Equal(expiresAt.ToUnixTimeMilliseconds(), body.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task List_ShowsDocumentedFieldsButNeverTheKey_AndLastUsedAtAfterUse()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var key = created.GetProperty("key").GetString()!;

        var before = await ListAsync(user.AccessToken);
        (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).EnsureSuccessStatusCode();
        var after = await ListAsync(user.AccessToken);

        var entry = Assert.Single(before);
        Assert.Equal(KeyObjectFields, entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("lastUsedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("expiresAt").ValueKind);
        Assert.DoesNotContain(key, before.ToString());
        Assert.Equal(host.Time.GetUtcNow().ToUnixTimeMilliseconds(), Assert.Single(after).GetProperty("lastUsedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Get_ReturnsOneKeyInTheListShape()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);

        var response = await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys/{created.GetProperty("id").GetString()}", bearer: user.AccessToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(KeyObjectFields, body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(created.GetProperty("keyPrefix").GetString(), body.GetProperty("keyPrefix").GetString());
    }

    [Fact]
    public async Task Key_Authenticates_WithXApiKeyAndWithBearer()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var key = created.GetProperty("key").GetString()!;

        var viaHeader = await host.SendWithApiKeyHeaderAsync(HttpMethod.Get, "api/v1/auth/verify", key);
        var viaBearer = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);
        var body = await viaBearer.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, viaHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaBearer.StatusCode);
        Assert.Equal("api_key", body.GetProperty("credentialType").GetString());
        Assert.Equal(user.Id, body.GetProperty("userId").GetString());
        Assert.Equal(created.GetProperty("id").GetString(), body.GetProperty("keyId").GetString());
        Assert.Equal(["bookmarks:read"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Key_SuccessfulResponsesCarryRateLimitHeaders()
    {
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken, new { name = "n", scopes = new[] { "tags:read" }, rateLimitPerMinute = 5 })).GetProperty("key").GetString()!;

        var response = await host.SendAsync(HttpMethod.Get, "api/v1/api-keys", bearer: key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("5", Header(response, "RateLimit-Limit"));
        Assert.Equal("4", Header(response, "RateLimit-Remaining"));
        Assert.InRange(int.Parse(Header(response, "RateLimit-Reset")!, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
    }

    [Fact]
    public async Task Key_RefusalsAfterAuthenticationCarryRateLimitHeaders()
    {
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken, new { name = "n", scopes = new[] { "tags:read" }, rateLimitPerMinute = 5 })).GetProperty("key").GetString()!;

        var missingScope = await host.SendAsync(HttpMethod.Get, "api/v1/bookmarks", bearer: key);
        var sessionOnly = await host.SendAsync(HttpMethod.Get, "api/v1/me/sessions", bearer: key);
        var notFound = await host.SendAsync(HttpMethod.Delete, "api/v1/api-keys/01ARZ3NDEKTSV4RRFFQ69G5FAV", bearer: key);

        // Each refusal spent one request of the window, and says so.
        Assert.Equal(
            [(HttpStatusCode.Forbidden, "4"), (HttpStatusCode.Forbidden, "3"), (HttpStatusCode.NotFound, "2")],
            new[] { missingScope, sessionOnly, notFound }.Select(r => (r.StatusCode, Header(r, "RateLimit-Remaining"))));
    }

    [Fact]
    public async Task Request_Returns400_WhenBothHeadersCarryDifferentCredentials()
    {
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;
        var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/auth/verify");
        request.Headers.Authorization = new("Bearer", user.AccessToken);
        request.Headers.Add("X-API-Key", key);

        var response = await host.Client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task Request_Returns400CredentialsInUrl_WhenKeyIsInQueryString()
    {
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;

        var response = await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys?api_key={key}");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "CREDENTIALS_IN_URL");
    }

    [Fact]
    public async Task Key_Returns403ApiKeyNotAllowed_OnSessions()
    {
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;

        var response = await host.SendAsync(HttpMethod.Get, "api/v1/me/sessions", bearer: key);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "API_KEY_NOT_ALLOWED");
    }

    [Fact]
    public async Task Revoke_Answers200_ThenKeyGetsTokenRevokedAndLeavesTheList()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var (id, key) = (created.GetProperty("id").GetString(), created.GetProperty("key").GetString()!);
        (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).EnsureSuccessStatusCode();

        var revoke = await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{id}", bearer: user.AccessToken);
        var use = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);
        var list = await ListAsync(user.AccessToken);
        var get = await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys/{id}", bearer: user.AccessToken);
        var again = await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{id}", bearer: user.AccessToken);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("""{"message":"API key revoked"}""", await revoke.Content.ReadAsStringAsync());
        await use.AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
        Assert.Contains("error=\"invalid_token\"", use.Headers.WwwAuthenticate.ToString());
        Assert.Empty(list);
        await get.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await again.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Key_CanRevokeItself_AndIsRefusedAtOnce()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var key = created.GetProperty("key").GetString()!;

        var revoke = await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{created.GetProperty("id").GetString()}", bearer: key);
        var use = await host.SendAsync(HttpMethod.Get, "api/v1/api-keys", bearer: key);

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await use.AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
    }

    [Fact]
    public async Task Key_GetsTokenExpired_AfterItsExpiry_AndStaysListed()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken, new { name = "short", scopes = new[] { "bookmarks:read" }, expiresAt = host.Time.GetUtcNow().AddSeconds(5) });
        var key = created.GetProperty("key").GetString()!;
        var before = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);

        host.Time.Advance(TimeSpan.FromSeconds(6));
        var after = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);
        var list = await ListAsync(user.AccessToken);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await after.AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_EXPIRED");
        Assert.Equal(created.GetProperty("id").GetString(), Assert.Single(list).GetProperty("id").GetString());
    }

    public static TheoryData<string, string> InvalidCreateBodies => new()
    {
        { """{"scopes":["bookmarks:read"]}""", "name" },
        { """{"name":"   ","scopes":["bookmarks:read"]}""", "name" },
        { $$"""{"name":"{{new string('x', 101)}}","scopes":["bookmarks:read"]}""", "name" },
        { """{"name":"n"}""", "scopes" },
        { """{"name":"n","scopes":[]}""", "scopes" },
        { """{"name":"n","scopes":["bookmarks:admin"]}""", "scopes" },
        { """{"name":"n","scopes":[null]}""", "scopes" },
        { """{"name":"n","scopes":"bookmarks:read"}""", "scopes" },
        { """{"name":"n","scopes":["bookmarks:read"],"expiresAt":"2001-01-01T00:00:00.000Z"}""", "expiresAt" },
        { """{"name":"n","scopes":["bookmarks:read"],"expiresAt":"next tuesday"}""", "expiresAt" },
        { """{"name":"n","scopes":["bookmarks:read"],"expiresAt":"9999-12-31T00:00:00.000Z"}""", "expiresAt" },
        { """{"name":"n","scopes":["bookmarks:read"],"rateLimitPerMinute":0}""", "rateLimitPerMinute" },
        { """{"name":"n","scopes":["bookmarks:read"],"rateLimitPerMinute":1000000}""", "rateLimitPerMinute" },
        { """{"name":"n","scopes":["bookmarks:read"],"rateLimitPerMinute":"ten"}""", "rateLimitPerMinute" },
        { """[1,2]""", "body" },
        { """{"name": """, "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidCreateBodies))]
    public async Task Create_Returns400NamingTheField_WhenBodyIsInvalid(string json, string field)
    {
        var user = await host.SignUpAsync();

        var response = await SendJsonAsync(HttpMethod.Post, "api/v1/api-keys", json, user.AccessToken);

        await response.AssertValidationFailedAsync(field);
    }

    [Theory]
    [InlineData("{}", "body")]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"scopes":[]}""", "scopes")]
    [InlineData("""{"scopes":["nope"]}""", "scopes")]
    [InlineData("""{"rateLimitPerMinute":0}""", "rateLimitPerMinute")]
    [InlineData("""{"rateLimitPerMinute":100000}""", "rateLimitPerMinute")]
    [InlineData("""{"expiresAt":"2000-01-01T00:00:00.000Z"}""", "expiresAt")]
    [InlineData("""{"expiresAt":"2999-01-01T00:00:00.000Z"}""", "expiresAt")]
    [InlineData("""{"allowedIps":["10.0.0.1/8"]}""", "allowedIps")]
    [InlineData("""{"allowedIps":["203.0.113.0/24","not-an-address"]}""", "allowedIps")]
    [InlineData("""{"allowedIps":["2001:db8::/129"]}""", "allowedIps")]
    public async Task Update_Returns400NamingTheField_WhenBodyIsInvalid(string json, string field)
    {
        var user = await host.SignUpAsync();
        var id = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("id").GetString();

        var response = await SendJsonAsync(HttpMethod.Patch, $"api/v1/api-keys/{id}", json, user.AccessToken);

        await response.AssertValidationFailedAsync(field);
    }

    [Fact]
    public async Task Update_RenamesAndReplacesScopes_AndTheKeyUsesTheNewScopes()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);

        var response = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{created.GetProperty("id").GetString()}",
            new { name = "Home server backup (read-only)", scopes = new[] { "bookmarks:read", "tags:read", "groups:read" } }, user.AccessToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var verify = await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: created.GetProperty("key").GetString()))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(body.TryGetProperty("key", out _));
        Assert.Equal("Home server backup (read-only)", body.GetProperty("name").GetString());
        Assert.Equal(["bookmarks:read", "tags:read", "groups:read"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["bookmarks:read", "tags:read", "groups:read"], verify.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Create_Returns403ApiAccessProRequired_OnFreePlan_AndWorksAfterUpgrade()
    {
        var user = await host.SignUpAsync(plan: "free");

        var refused = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "n", scopes = new[] { "bookmarks:read" } }, user.AccessToken);
        var upgrade = await host.SetPlanAsync(user.Id, "pro");
        var upgraded = await upgrade.Content.ReadFromJsonAsync<JsonElement>();
        var allowed = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "n", scopes = new[] { "bookmarks:read" } }, user.AccessToken);

        await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "API_ACCESS_PRO_REQUIRED");
        Assert.Equal(HttpStatusCode.OK, upgrade.StatusCode);
        Assert.Equal(user.Id, upgraded.GetProperty("id").GetString());
        Assert.Equal("pro", upgraded.GetProperty("plan").GetString());
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Fact]
    public async Task Key_StopsOnDowngradeToFree_AndWorksAgainAfterUpgrade()
    {
        var user = await host.SignUpAsync(plan: "pro");
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;

        (await host.SetPlanAsync(user.Id, "free")).EnsureSuccessStatusCode();
        var onFree = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);
        (await host.SetPlanAsync(user.Id, "team")).EnsureSuccessStatusCode();
        var onTeam = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);

        await onFree.AssertProblemAsync(HttpStatusCode.Forbidden, "API_ACCESS_PRO_REQUIRED");
        Assert.Equal(HttpStatusCode.OK, onTeam.StatusCode);
    }

    [Fact]
    public async Task SetPlan_Returns401_WithoutTheFunctionKey()
    {
        var user = await host.SignUpAsync(plan: "free");

        var response = await host.SendAsync(HttpMethod.Put, $"api/v1/admin/users/{user.Id}/plan", new { plan = "team" }, user.AccessToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Create_HoldsThePlanLimit_When15CreatesArriveAtOnce()
    {
        var user = await host.SignUpAsync(plan: "pro");

        var responses = await Task.WhenAll(Enumerable.Range(0, 15).Select(i =>
            host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = $"key {i}", scopes = new[] { "bookmarks:read" } }, user.AccessToken)));
        var list = await ListAsync(user.AccessToken);

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "KEY_LIMIT_REACHED");
        }

        Assert.Equal(10, list.Count);
    }

    [Fact]
    public async Task Create_SucceedsAgain_AfterRevokingAtTheLimit()
    {
        var user = await host.SignUpAsync(plan: "pro");
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await host.CreateKeyAsync(user.AccessToken)).GetProperty("id").GetString()!);
        }

        var atLimit = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "n", scopes = new[] { "tags:read" } }, user.AccessToken);
        (await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{ids[3]}", bearer: user.AccessToken)).EnsureSuccessStatusCode();
        var afterRevoke = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "n", scopes = new[] { "tags:read" } }, user.AccessToken);

        await atLimit.AssertProblemAsync(HttpStatusCode.Forbidden, "KEY_LIMIT_REACHED");
        Assert.Equal(HttpStatusCode.Created, afterRevoke.StatusCode);
    }

    [Fact]
    public async Task Key_CannotCreateOrPatchBeyondItsOwnScopes()
    {
        var user = await host.SignUpAsync();
        var reader = await host.CreateKeyAsync(user.AccessToken, new { name = "reader", scopes = new[] { "bookmarks:read", "tags:write" } });
        var key = reader.GetProperty("key").GetString()!;

        var create = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "wider", scopes = new[] { "bookmarks:read", "bookmarks:write" } }, key);
        var patch = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{reader.GetProperty("id").GetString()}", new { scopes = new[] { "export" } }, key);
        var narrower = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "narrower", scopes = new[] { "tags:read" } }, key);

        var createProblem = await create.AssertProblemAsync(HttpStatusCode.Forbidden, "SCOPE_REQUIRED");
        Assert.Contains("bookmarks:write", createProblem.GetProperty("detail").GetString());
        Assert.Contains("scope=\"bookmarks:write\"", create.Headers.WwwAuthenticate.ToString());
        var patchProblem = await patch.AssertProblemAsync(HttpStatusCode.Forbidden, "SCOPE_REQUIRED");
        Assert.Contains("export", patchProblem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Created, narrower.StatusCode);
    }

    [Fact]
    public async Task Create_Returns400NamingExpiresAt_WhenItIsMoreThanFiveYearsAhead_AndAcceptsFiveYears()
    {
        var user = await host.SignUpAsync();
        var now = host.Time.GetUtcNow();

        var beyond = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "n", scopes = ReadBookmarks, expiresAt = now.AddYears(5).AddMinutes(1) }, user.AccessToken);
        var within = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "n", scopes = ReadBookmarks, expiresAt = now.AddYears(5).AddMinutes(-1) }, user.AccessToken);

        var problem = await beyond.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Contains("5 years", problem.GetProperty("errors").GetProperty("expiresAt")[0].GetString());
        Assert.Equal(HttpStatusCode.Created, within.StatusCode);
    }

    [Fact]
    public async Task Key_CannotCreateAKeyThatOutlivesIt()
    {
        var user = await host.SignUpAsync();
        // Whole seconds, so the expiry read back from storage compares equal to the one sent.
        var ownExpiry = DateTimeOffset.FromUnixTimeSeconds(host.Time.GetUtcNow().AddHours(1).ToUnixTimeSeconds());
        var key = (await host.CreateKeyAsync(user.AccessToken, new { name = "hour", scopes = ReadBookmarks, expiresAt = ownExpiry })).GetProperty("key").GetString()!;

        var neverExpires = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "forever", scopes = ReadBookmarks }, key);
        var expiresLater = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "month", scopes = ReadBookmarks, expiresAt = ownExpiry.AddDays(30) }, key);
        var expiresWithin = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "half", scopes = ReadBookmarks, expiresAt = ownExpiry.AddMinutes(-30) }, key);
        var expiresWithIt = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "same", scopes = ReadBookmarks, expiresAt = ownExpiry }, key);

        await neverExpires.AssertProblemAsync(HttpStatusCode.Forbidden, "KEY_LIMITS_EXCEEDED");
        await expiresLater.AssertProblemAsync(HttpStatusCode.Forbidden, "KEY_LIMITS_EXCEEDED");
        Assert.Equal(HttpStatusCode.Created, expiresWithin.StatusCode);
        Assert.Equal(HttpStatusCode.Created, expiresWithIt.StatusCode);
    }

    [Fact]
    public async Task Key_CannotCreateAKeyWithAHigherRateLimit_AndItsDefaultIsCappedAtItsOwn()
    {
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken, new { name = "slow", scopes = ReadBookmarks, rateLimitPerMinute = 10 })).GetProperty("key").GetString()!;

        var faster = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "fast", scopes = ReadBookmarks, rateLimitPerMinute = 60 }, key);
        var slower = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "slower", scopes = ReadBookmarks, rateLimitPerMinute = 5 }, key);
        var defaulted = await host.CreateKeyAsync(key, new { name = "default", scopes = ReadBookmarks });
        var usedDefaulted = await host.SendAsync(HttpMethod.Get, "api/v1/api-keys", bearer: defaulted.GetProperty("key").GetString()!);

        await faster.AssertProblemAsync(HttpStatusCode.Forbidden, "KEY_LIMITS_EXCEEDED");
        Assert.Equal(HttpStatusCode.Created, slower.StatusCode);
        Assert.Equal("10", Header(usedDefaulted, "RateLimit-Limit"));
    }

    [Fact]
    public async Task Key_CannotRevokeOrChangeAKeyHoldingScopesItLacks_ButASessionCan()
    {
        var user = await host.SignUpAsync();
        var reader = (await host.CreateKeyAsync(user.AccessToken, new { name = "reader", scopes = ReadBookmarks })).GetProperty("key").GetString()!;
        var wide = await host.CreateKeyAsync(user.AccessToken, new { name = "wide", scopes = new[] { "bookmarks:write", "export", "destructive" } });
        var wideId = wide.GetProperty("id").GetString();

        var revoke = await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{wideId}", bearer: reader);
        var rename = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{wideId}", new { name = "mine now" }, reader);
        var narrow = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{wideId}", new { scopes = ReadBookmarks }, reader);
        var stillWorks = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: wide.GetProperty("key").GetString()!);
        var bySession = await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{wideId}", bearer: user.AccessToken);

        Assert.Contains("bookmarks:write", (await revoke.AssertProblemAsync(HttpStatusCode.Forbidden, "SCOPE_REQUIRED")).GetProperty("detail").GetString());
        await rename.AssertProblemAsync(HttpStatusCode.Forbidden, "SCOPE_REQUIRED");
        await narrow.AssertProblemAsync(HttpStatusCode.Forbidden, "SCOPE_REQUIRED");
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bySession.StatusCode);
    }

    [Fact]
    public async Task Key_InXApiKey_IsUsed_WhenAuthorizationCarriesAnotherScheme()
    {
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;
        var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/auth/verify");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");
        request.Headers.Add("X-API-Key", key);

        var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AnotherUsersKey_Is404ForGetPatchAndDelete()
    {
        var owner = await host.SignUpAsync();
        var other = await host.SignUpAsync();
        var id = (await host.CreateKeyAsync(owner.AccessToken)).GetProperty("id").GetString();

        var get = await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys/{id}", bearer: other.AccessToken);
        var patch = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{id}", new { name = "mine now" }, other.AccessToken);
        var delete = await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{id}", bearer: other.AccessToken);
        var unknown = await host.SendAsync(HttpMethod.Get, "api/v1/api-keys/not-a-ulid", bearer: owner.AccessToken);
        var stillThere = await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys/{id}", bearer: owner.AccessToken);

        await get.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await patch.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await delete.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal("test key", (await stillThere.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Key_Gets429WithHeaders_OverItsRateLimit_AndRecoversNextWindow()
    {
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken, new { name = "n", scopes = new[] { "bookmarks:read" }, rateLimitPerMinute = 3 })).GetProperty("key").GetString()!;
        // Start at the beginning of a window, so the three allowed requests and the refused one share it.
        var now = host.Time.GetUtcNow();
        host.Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(now.Ticks % TimeSpan.TicksPerMinute) + TimeSpan.FromSeconds(15));

        var allowed = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add(await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key));
        }

        var limited = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);
        host.Time.Advance(TimeSpan.FromSeconds(45));
        var nextWindow = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);

        Assert.All(allowed, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(["2", "1", "0"], allowed.Select(r => Header(r, "RateLimit-Remaining")));
        await limited.AssertProblemAsync((HttpStatusCode)429, "RATE_LIMITED");
        Assert.Equal(
            ["45", "3", "0", "45"],
            new[] { "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset" }.Select(name => Header(limited, name)));
        Assert.Equal(HttpStatusCode.OK, nextWindow.StatusCode);
        Assert.Equal("2", Header(nextWindow, "RateLimit-Remaining"));
    }

    [Fact]
    public async Task Verify_CostsOnePointReadOfTheCredential_AndNoQuery()
    {
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;
        (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).EnsureSuccessStatusCode();

        host.StorageRequests.Clear();
        var response = await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);
        var requests = host.StorageRequests.Requests;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(requests, r => r.IsQuery || r.Uri.Query.Contains("$filter", StringComparison.Ordinal));
        var read = Assert.Single(requests, r => r.Method == "GET");
        Assert.True(read.IsPointRead);
        Assert.StartsWith($"/devstoreaccount1/{host.TablePrefix}{TableNames.ApiKeys}(", Uri.UnescapeDataString(read.Uri.AbsolutePath));
        // No write: the first use leased a share of the rate window and wrote lastUsedAt, neither is due again.
        Assert.Single(requests);
    }

    [Fact]
    public async Task Verify_FirstUse_WritesLastUsedAtOnceOnTheCredential()
    {
        var user = await host.SignUpAsync();
        var key = (await host.CreateKeyAsync(user.AccessToken)).GetProperty("key").GetString()!;

        host.StorageRequests.Clear();
        (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).EnsureSuccessStatusCode();
        var requests = host.StorageRequests.Requests;

        Assert.Single(requests, r => r.Method == "GET");
        Assert.DoesNotContain(requests, r => r.IsQuery);
        Assert.Single(requests, r => r.IsWrite && r.Uri.AbsolutePath.Contains($"{host.TablePrefix}{TableNames.ApiKeys}(", StringComparison.Ordinal));
        // The key's first rate window of the day also schedules the day's windows for the expiry sweep.
        Assert.Single(requests, r => r.IsWrite && r.Uri.AbsolutePath.Contains($"{host.TablePrefix}{TableNames.ExpiryIndex}(", StringComparison.Ordinal));
        Assert.Equal(3, requests.Count(r => r.IsWrite));
    }

    [Fact]
    public async Task RawKey_IsStoredNowhere_AndNeverLogged()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken, new { name = "n", scopes = new[] { "bookmarks:read" }, rateLimitPerMinute = 1 });
        var key = created.GetProperty("key").GetString()!;
        await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);
        await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);
        await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{created.GetProperty("id").GetString()}", bearer: key);
        await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key);

        var dump = await StorageDump.ReadAllAsync(host.Services.GetRequiredService<BkmarkTables>());
        var logs = string.Join('\n', host.Logs.Lines);

        Assert.Contains(created.GetProperty("id").GetString()!, dump);
        Assert.DoesNotContain(key, dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(key[3..], dump, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(key[..11], logs);
        Assert.DoesNotContain(key, logs, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(key[3..], logs, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<List<JsonElement>> ListAsync(string credential)
    {
        var response = await host.SendAsync(HttpMethod.Get, "api/v1/api-keys", bearer: credential);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["data"], body.EnumerateObject().Select(p => p.Name));
        return body.GetProperty("data").EnumerateArray().ToList();
    }

    private Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string path, string json, string bearer)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", bearer);
        return host.Client.SendAsync(request);
    }


    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}

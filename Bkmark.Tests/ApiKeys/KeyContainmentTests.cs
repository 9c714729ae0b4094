namespace Bkmark.Tests.ApiKeys;

/// <summary>
/// A key acts only within itself (DESIGN §15), over HTTP through the local host against Azurite: for create, PATCH,
/// roll and revoke, every (caller key, target key) pair where the target exceeds the caller in one of scopes, expiry,
/// rate limit and fence is refused, and the same pair with the target inside the caller succeeds. The caller is fenced
/// to loopback, where the test client connects from, so it can be used; its targets are never used.
/// </summary>
public sealed class KeyContainmentTests(ApiKeyHostFixture host) : IClassFixture<ApiKeyHostFixture>
{
    private static readonly string[] CallerScopes = ["bookmarks:read", "tags:read"];
    private static readonly string[] CallerFence = ["127.0.0.0/8", "::1/128"];
    private const int CallerRate = 30;

    /// <summary>One limit of the target beyond the caller's, and what the refusal is.</summary>
    public static TheoryData<string, string> Exceeding => new()
    {
        { "scope", "SCOPE_REQUIRED" },
        { "later expiry", "KEY_LIMITS_EXCEEDED" },
        { "no expiry", "KEY_LIMITS_EXCEEDED" },
        { "higher rate", "KEY_LIMITS_EXCEEDED" },
        { "wider fence", "KEY_LIMITS_EXCEEDED" },
        { "no fence", "KEY_LIMITS_EXCEEDED" },
    };

    [Theory]
    [MemberData(nameof(Exceeding))]
    public async Task Create_IsRefused_WhenTheNewKeyWouldExceedTheCallingKeyInOneLimit(string limit, string code)
    {
        var (_, caller) = await CallerAsync();

        var response = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", Limits(limit), caller);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, code);
    }

    [Theory]
    [MemberData(nameof(Exceeding))]
    public async Task Patch_IsRefused_WhenTheTargetExceedsTheCallingKeyInOneLimit(string limit, string code)
    {
        var (user, caller) = await CallerAsync();
        var target = await host.CreateKeyAsync(user.AccessToken, Limits(limit));

        var response = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{IdOf(target)}", new { name = "taken over" }, caller);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, code);
        Assert.Equal("test key", (await GetAsync(user, target)).GetProperty("name").GetString());
    }

    [Theory]
    [MemberData(nameof(Exceeding))]
    public async Task Patch_IsRefused_WhenItWouldTakeATargetWithinTheCallerBeyondItInOneLimit(string limit, string code)
    {
        var (user, caller) = await CallerAsync();
        var target = await host.CreateKeyAsync(user.AccessToken, Limits("same"));

        var response = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{IdOf(target)}", Limits(limit, withName: false), caller);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, code);
        var after = await GetAsync(user, target);
        Assert.Equal(CallerRate, after.GetProperty("rateLimitPerMinute").GetInt32());
        Assert.Equal(CallerFence, after.GetProperty("allowedIps").EnumerateArray().Select(r => r.GetString()));
    }

    [Theory]
    [MemberData(nameof(Exceeding))]
    public async Task Roll_IsRefused_AndHandsOutNoValue_WhenTheTargetExceedsTheCallingKeyInOneLimit(string limit, string code)
    {
        var (user, caller) = await CallerAsync();
        var target = await host.CreateKeyAsync(user.AccessToken, Limits(limit));

        var response = await host.RollKeyAsync(caller, IdOf(target), expiresPreviousIn: 0);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, code);
        Assert.False(problem.TryGetProperty("key", out _));
        // The sibling's own integration still works: its value was not replaced.
        Assert.Equal(HttpStatusCode.OK, (await host.VerifyFromAsync(target.GetProperty("key").GetString()!, forwardedFor: null)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Exceeding))]
    public async Task Revoke_IsRefused_WhenTheTargetExceedsTheCallingKeyInOneLimit(string limit, string code)
    {
        var (user, caller) = await CallerAsync();
        var target = await host.CreateKeyAsync(user.AccessToken, Limits(limit));

        var response = await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{IdOf(target)}", bearer: caller);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, code);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys/{IdOf(target)}", bearer: user.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task EveryOperation_Succeeds_OnATargetWithinTheCallingKey()
    {
        var (user, caller) = await CallerAsync();
        var patched = await host.CreateKeyAsync(user.AccessToken, Limits("same"));
        var rolled = await host.CreateKeyAsync(user.AccessToken, Limits("narrower"));
        var revoked = await host.CreateKeyAsync(user.AccessToken, Limits("same"));

        var create = await host.SendAsync(HttpMethod.Post, "api/v1/api-keys", Limits("narrower"), caller);
        var patch = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{IdOf(patched)}", Limits("narrower", withName: false), caller);
        var roll = await host.RollKeyAsync(caller, IdOf(rolled), expiresPreviousIn: 60);
        var revoke = await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{IdOf(revoked)}", bearer: caller);

        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal(HttpStatusCode.Created, roll.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
    }

    [Fact]
    public async Task Create_WithAFencedKey_FencesTheNewKeyInsideTheCallersRanges_WhenNoneAreAskedFor()
    {
        var (user, caller) = await CallerAsync();

        var created = await host.SendForJsonAsync(
            HttpMethod.Post, "api/v1/api-keys", new { name = "child", scopes = new[] { "bookmarks:read" }, expiresAt = host.Time.GetUtcNow().AddDays(1) }, caller, HttpStatusCode.Created);

        Assert.Equal(CallerFence, (await GetAsync(user, created)).GetProperty("allowedIps").EnumerateArray().Select(r => r.GetString()));
        await (await host.VerifyFromAsync(created.GetProperty("key").GetString()!, "203.0.113.9")).AssertProblemAsync(HttpStatusCode.Forbidden, "IP_NOT_ALLOWED");
    }

    [Theory]
    [InlineData("no fence")]
    [InlineData("wider fence")]
    public async Task Patch_OfItsOwnFence_IsRefused_WhenItWouldLiftOrWidenIt(string limit)
    {
        var (user, caller, callerKey) = await CallerWithIdAsync();

        var response = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{IdOf(callerKey)}", new { allowedIps = Fence(limit) }, caller);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "KEY_LIMITS_EXCEEDED");
        Assert.Equal(CallerFence, (await GetAsync(user, callerKey)).GetProperty("allowedIps").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Patch_OfItsOwnFence_Succeeds_WhenItNarrowsIt()
    {
        var (_, caller, callerKey) = await CallerWithIdAsync();

        var response = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{IdOf(callerKey)}", new { allowedIps = new[] { "127.0.0.1", "::1" } }, caller);

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["127.0.0.1/32", "::1/128"], body.GetProperty("allowedIps").EnumerateArray().Select(r => r.GetString()));
    }

    [Theory]
    [InlineData("scope")]
    [InlineData("later expiry")]
    [InlineData("higher rate")]
    [InlineData("no fence")]
    public async Task Patch_WithASession_NeedsStepUp_WhenItWidensTheKey(string limit)
    {
        var user = await host.SignUpAsync();
        var target = await host.CreateKeyAsync(user.AccessToken, Limits("same"));
        host.Time.Advance(TimeSpan.FromMinutes(11));

        object widening = limit switch
        {
            "scope" => new { scopes = CallerScopes.Append("groups:read").ToArray() },
            "later expiry" => new { expiresAt = host.Time.GetUtcNow().AddYears(1) },
            "higher rate" => new { rateLimitPerMinute = CallerRate * 2 },
            _ => new { allowedIps = Array.Empty<string>() },
        };

        var widen = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{IdOf(target)}", widening, user.AccessToken);
        var narrow = await host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{IdOf(target)}", Limits("narrower", withName: false), user.AccessToken);

        await widen.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ReauthenticationRequired);
        Assert.Contains("insufficient_user_authentication", Assert.Single(widen.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, narrow.StatusCode);
    }

    [Theory]
    [InlineData("api/v1/me")]
    [InlineData("api/v1/me/plan")]
    public async Task AccountRead_Returns403ApiKeyNotAllowed_ForAnApiKey(string path)
    {
        var (user, caller) = await CallerAsync();

        var withKey = await host.SendAsync(HttpMethod.Get, path, bearer: caller);
        var withSession = await host.SendAsync(HttpMethod.Get, path, bearer: user.AccessToken);

        var problem = await withKey.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ApiKeyNotAllowed);
        Assert.DoesNotContain(user.Email, problem.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, withSession.StatusCode);
    }

    /// <summary>A key with <see cref="CallerScopes"/>, 10 days to live, <see cref="CallerRate"/> a minute, fenced to loopback.</summary>
    private async Task<(SignedInUser User, string Key)> CallerAsync()
    {
        var (user, key, _) = await CallerWithIdAsync();
        return (user, key);
    }

    private async Task<(SignedInUser User, string Key, JsonElement Created)> CallerWithIdAsync()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken, Limits("same"));
        return (user, created.GetProperty("key").GetString()!, created);
    }

    /// <summary>A create or PATCH body: the caller's own limits, or one of them beyond (or all inside) the caller's.</summary>
    private object Limits(string limit, bool withName = true)
    {
        var now = host.Time.GetUtcNow();
        var scopes = limit switch
        {
            "scope" => [.. CallerScopes, "groups:read"],
            "narrower" => ["bookmarks:read"],
            _ => CallerScopes,
        };
        DateTimeOffset? expiresAt = limit switch
        {
            "later expiry" => now.AddDays(20),
            "no expiry" => null,
            "narrower" => now.AddDays(5),
            _ => now.AddDays(10),
        };
        var rate = limit switch
        {
            "higher rate" => CallerRate * 2,
            "narrower" => CallerRate / 2,
            _ => CallerRate,
        };
        var fence = Fence(limit);
        if (!withName)
        {
            // A PATCH: absent fields stay as they are, so "no expiry" cannot be sent; it is a later one instead.
            return new { scopes, expiresAt = expiresAt ?? now.AddYears(1), rateLimitPerMinute = rate, allowedIps = fence };
        }

        return expiresAt is null
            ? new { name = "test key", scopes, rateLimitPerMinute = rate, allowedIps = fence }
            : new { name = "test key", scopes, expiresAt, rateLimitPerMinute = rate, allowedIps = fence };
    }

    private static string[] Fence(string limit) => limit switch
    {
        "wider fence" => [.. CallerFence, "198.51.100.0/24"],
        "no fence" => [],
        "narrower" => ["127.0.0.1/32"],
        _ => CallerFence,
    };

    private static string IdOf(JsonElement key) => key.GetProperty("id").GetString()!;

    private Task<JsonElement> GetAsync(SignedInUser user, JsonElement key) =>
        host.SendForJsonAsync(HttpMethod.Get, $"api/v1/api-keys/{IdOf(key)}", bearer: user.AccessToken);
}

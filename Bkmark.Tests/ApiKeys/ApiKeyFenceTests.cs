using Bkmark.Core.Accounts;

namespace Bkmark.Tests.ApiKeys;

/// <summary>
/// Editing a key's limits and fence, where it was last used, and the billing view (DESIGN §10), over HTTP against
/// Azurite. Client addresses come in through <c>X-Forwarded-For</c> from the test client's loopback, which the
/// local host trusts as a proxy, exactly as the §2 client IP is worked out behind Azure's front end.
/// </summary>
public sealed class ApiKeyFenceTests(ApiKeyHostFixture host) : IClassFixture<ApiKeyHostFixture>
{
    [Fact]
    public async Task Patch_ChangesRateLimitExpiryAndAllowedIps_AndTheKeyObjectShowsThem()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var expiresAt = host.Time.GetUtcNow().AddDays(20);

        var response = await PatchAsync(user.AccessToken, created, new
        {
            rateLimitPerMinute = 3,
            expiresAt,
            allowedIps = new[] { "203.0.113.7", " 198.51.100.0/24 ", "2001:DB8::/32" },
        });
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, body.GetProperty("rateLimitPerMinute").GetInt32());
        Assert.Equal(expiresAt.ToUnixTimeMilliseconds(), body.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal(["203.0.113.7/32", "198.51.100.0/24", "2001:db8::/32"], body.GetProperty("allowedIps").EnumerateArray().Select(r => r.GetString()));
        var use = await host.VerifyFromAsync(created.GetProperty("key").GetString()!, "198.51.100.20");
        Assert.Equal(HttpStatusCode.OK, use.StatusCode);
        Assert.Equal("3", use.Headers.GetValues("RateLimit-Limit").Single());
    }

    [Fact]
    public async Task Key_WithIpv4Ranges_WorksFromInside_AndGets403IpNotAllowedFromOutside()
    {
        var (_, _, key) = await FencedKeyAsync("198.51.100.0/24");

        var inside = await host.VerifyFromAsync(key, "198.51.100.200");
        var outside = await host.VerifyFromAsync(key, "198.51.101.1");
        var direct = await host.VerifyFromAsync(key, forwardedFor: null);

        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
        var problem = await outside.AssertProblemAsync(HttpStatusCode.Forbidden, "IP_NOT_ALLOWED");
        Assert.Contains("198.51.101.1", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("198.51.100.0", problem.ToString());
        await direct.AssertProblemAsync(HttpStatusCode.Forbidden, "IP_NOT_ALLOWED");
    }

    [Fact]
    public async Task Key_WithIpv6Ranges_WorksFromInside_AndGets403IpNotAllowedFromOutside()
    {
        var (_, _, key) = await FencedKeyAsync("2001:db8:abcd::/48");

        var inside = await host.VerifyFromAsync(key, "2001:db8:abcd:12::1");
        var outside = await host.VerifyFromAsync(key, "2001:db8:abce::1");
        var ipv4 = await host.VerifyFromAsync(key, "198.51.100.1");

        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
        await outside.AssertProblemAsync(HttpStatusCode.Forbidden, "IP_NOT_ALLOWED");
        await ipv4.AssertProblemAsync(HttpStatusCode.Forbidden, "IP_NOT_ALLOWED");
    }

    [Fact]
    public async Task Key_BehindAProxyChain_IsCheckedAgainstTheFirstUntrustedHop_NotAnAddressTheClientWrote()
    {
        var (_, _, key) = await FencedKeyAsync("198.51.100.0/24");

        // Client → a private-range proxy (trusted by default) → loopback: the client is 198.51.100.7.
        var throughProxy = await host.VerifyFromAsync(key, "198.51.100.7, 10.1.2.3");
        // A client outside writing an allowed address first: the rightmost untrusted hop is the real one.
        var spoofed = await host.VerifyFromAsync(key, "198.51.100.7, 203.0.113.9, 10.1.2.3");

        Assert.Equal(HttpStatusCode.OK, throughProxy.StatusCode);
        var problem = await spoofed.AssertProblemAsync(HttpStatusCode.Forbidden, "IP_NOT_ALLOWED");
        Assert.Contains("203.0.113.9", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Patch_WithAnEmptyAllowedIps_AllowsAnyAddressAgain()
    {
        var (user, created, key) = await FencedKeyAsync("198.51.100.0/24");
        await (await host.VerifyFromAsync(key, "203.0.113.1")).AssertProblemAsync(HttpStatusCode.Forbidden, "IP_NOT_ALLOWED");

        var cleared = await (await PatchAsync(user.AccessToken, created, new { allowedIps = Array.Empty<string>() })).ReadJsonAsync();

        Assert.Empty(cleared.GetProperty("allowedIps").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await host.VerifyFromAsync(key, "203.0.113.1")).StatusCode);
    }

    [Fact]
    public async Task Patch_FencesTheRolledPreviousValueToo()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var previousKey = created.GetProperty("key").GetString()!;
        (await host.RollKeyAsync(user.AccessToken, created.GetProperty("id").GetString()!, expiresPreviousIn: 3600)).EnsureSuccessStatusCode();

        (await PatchAsync(user.AccessToken, created, new { allowedIps = new[] { "198.51.100.0/24" } })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.OK, (await host.VerifyFromAsync(previousKey, "198.51.100.1")).StatusCode);
        await (await host.VerifyFromAsync(previousKey, "203.0.113.1")).AssertProblemAsync(HttpStatusCode.Forbidden, "IP_NOT_ALLOWED");
    }

    [Fact]
    public async Task Key_ShowsLastUsedIpAndUserAgent_AfterUse()
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        var before = await GetKeyAsync(user.AccessToken, created);

        (await host.VerifyFromAsync(created.GetProperty("key").GetString()!, "2001:db8::42, 10.0.0.1", "curl/8.7.1")).EnsureSuccessStatusCode();
        var after = await GetKeyAsync(user.AccessToken, created);

        Assert.Equal(JsonValueKind.Null, before.GetProperty("lastUsedIp").ValueKind);
        Assert.Equal(JsonValueKind.Null, before.GetProperty("lastUsedUserAgent").ValueKind);
        Assert.Equal("2001:db8::42", after.GetProperty("lastUsedIp").GetString());
        Assert.Equal("curl/8.7.1", after.GetProperty("lastUsedUserAgent").GetString());
        Assert.Equal(host.Time.GetUtcNow().ToUnixTimeMilliseconds(), after.GetProperty("lastUsedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Patch_WithAKey_CannotGiveALaterExpiryOrAHigherRateLimitThanItsOwn()
    {
        var user = await host.SignUpAsync();
        var ownExpiry = host.Time.GetUtcNow().AddDays(10);
        var manager = await host.CreateKeyAsync(user.AccessToken, new { name = "manager", scopes = new[] { "tags:read" }, expiresAt = ownExpiry, rateLimitPerMinute = 10 });
        // Within the manager in all four (DESIGN §15: a key acts only on keys within itself), so only the change can exceed it.
        var target = await host.CreateKeyAsync(user.AccessToken, new { name = "target", scopes = new[] { "tags:read" }, expiresAt = ownExpiry.AddDays(-5), rateLimitPerMinute = 5 });
        var managerKey = manager.GetProperty("key").GetString()!;

        var later = await PatchAsync(managerKey, target, new { expiresAt = ownExpiry.AddDays(1) });
        var faster = await PatchAsync(managerKey, target, new { rateLimitPerMinute = 11 });
        var within = await PatchAsync(managerKey, target, new { expiresAt = ownExpiry, rateLimitPerMinute = 10 });

        await later.AssertProblemAsync(HttpStatusCode.Forbidden, "KEY_LIMITS_EXCEEDED");
        await faster.AssertProblemAsync(HttpStatusCode.Forbidden, "KEY_LIMITS_EXCEEDED");
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
    }

    [Fact]
    public async Task GetMyPlan_ShowsThePlanItsKeyAllowanceInUseAndRateLimit()
    {
        var user = await host.SignUpAsync();
        await host.CreateKeyAsync(user.AccessToken);
        var revoked = await host.CreateKeyAsync(user.AccessToken);
        (await host.SendAsync(HttpMethod.Delete, $"api/v1/api-keys/{revoked.GetProperty("id").GetString()}", bearer: user.AccessToken)).EnsureSuccessStatusCode();

        var pro = await (await host.SendAsync(HttpMethod.Get, "api/v1/me/plan", bearer: user.AccessToken)).ReadJsonAsync();
        (await host.SetPlanAsync(user.Id, Plans.Free)).EnsureSuccessStatusCode();
        var free = await (await host.SendAsync(HttpMethod.Get, "api/v1/me/plan", bearer: user.AccessToken)).ReadJsonAsync();

        Assert.Equal("""{"plan":"pro","apiKeys":{"active":1,"limit":10},"rateLimitPerMinute":60}""", pro.GetRawText());
        Assert.Equal("""{"plan":"free","apiKeys":{"active":0,"limit":0},"rateLimitPerMinute":0}""", free.GetRawText());
    }

    /// <summary>A new account's new key, fenced to <paramref name="allowedIps"/>.</summary>
    private async Task<(SignedInUser User, JsonElement Created, string Key)> FencedKeyAsync(params string[] allowedIps)
    {
        var user = await host.SignUpAsync();
        var created = await host.CreateKeyAsync(user.AccessToken);
        (await PatchAsync(user.AccessToken, created, new { allowedIps })).EnsureSuccessStatusCode();
        return (user, created, created.GetProperty("key").GetString()!);
    }

    private Task<HttpResponseMessage> PatchAsync(string credential, JsonElement key, object body) =>
        host.SendAsync(HttpMethod.Patch, $"api/v1/api-keys/{key.GetProperty("id").GetString()}", body, credential);

    private async Task<JsonElement> GetKeyAsync(string credential, JsonElement key)
    {
        var response = await host.SendAsync(HttpMethod.Get, $"api/v1/api-keys/{key.GetProperty("id").GetString()}", bearer: credential);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}

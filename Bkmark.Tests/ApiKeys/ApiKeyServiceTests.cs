using Bkmark.Core.Accounts;
using Bkmark.Core.ApiKeys;
using Bkmark.Core.Authorization;
using Bkmark.Core.Credentials;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Sessions;

namespace Bkmark.Tests.ApiKeys;

/// <summary>The key rules with a <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/>, against Azurite.</summary>
public sealed class ApiKeyServiceTests : IAsyncLifetime
{
    // A request from a documentation address (RFC 5737) with no browser: no key here has allowedIps.
    private static readonly ClientInfo AnyClient = new(UserAgent: null, IpAddress: "192.0.2.1");

    private static readonly string[] ReadBookmarks = [Scopes.BookmarksRead];
    private CoreServices _core = null!;
    private ApiKeyService _keys = null!;
    private IApiKeyVerifier _verifier = null!;
    private ApiKeyStore _store = null!;
    private string _userId = "";
    private Caller _session = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync(new Dictionary<string, string?> { ["ApiKeys:ProMaxActiveKeys"] = "2" });
        _keys = _core.Get<ApiKeyService>();
        _verifier = _core.Get<IApiKeyVerifier>();
        _store = _core.Get<ApiKeyStore>();
        (_userId, _session) = await _core.CreateUserAsync(Plans.Pro);
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public void Generate_ProducesWellFormedKeys_AndFormatRejectsLookalikes()
    {
        var key = ApiKeyFormat.Generate();

        Assert.Matches("^bk_[0-9a-f]{32}$", key);
        Assert.NotEqual(key, ApiKeyFormat.Generate());
        Assert.True(ApiKeyFormat.IsWellFormed(key));
        Assert.False(ApiKeyFormat.IsWellFormed(key.ToUpperInvariant()));
        Assert.False(ApiKeyFormat.IsWellFormed(key[..^1]));
        Assert.False(ApiKeyFormat.IsWellFormed(key + "0"));
        Assert.False(ApiKeyFormat.IsWellFormed("bk_" + new string('g', 32)));
    }

    [Fact]
    public async Task Verify_ReturnsTokenExpired_WhenKeyIsPastExpiry()
    {
        var created = await CreateAsync(expiresAt: _core.Time.GetUtcNow().AddHours(1));

        var before = await _verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);
        _core.Time.Advance(TimeSpan.FromHours(1));
        var atExpiry = await _verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);

        Assert.True(before.Succeeded);
        Assert.Equal(ErrorCodes.TokenExpired, atExpiry.Problem?.Code);
    }

    [Fact]
    public async Task Verify_ReturnsTokenRevoked_AfterRevoke_AndKeepsTheCredentialForTheSweep()
    {
        var created = await CreateAsync();

        await _keys.RevokeAsync(_session, created.Id, CancellationToken.None);
        var result = await _verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);
        var index = await _store.FindIndexAsync(_userId, created.Id, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenRevoked, result.Problem?.Code);
        Assert.Equal(_core.Time.GetUtcNow(), index!.RevokedAt);
        var credential = await _store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, CancellationToken.None);
        Assert.Equal(_core.Time.GetUtcNow(), credential!.RevokedAt);
    }

    [Fact]
    public async Task Verify_ReturnsInvalidToken_ForMalformedKeyWithoutTouchingStorage_AndForUnknownKey()
    {
        _core.StorageRequests.Clear();
        var malformed = await _verifier.VerifyAsync("bk_NOT-A-KEY", AnyClient, CancellationToken.None);
        var storageForMalformed = _core.StorageRequests.Requests.Count;
        var unknown = await _verifier.VerifyAsync(ApiKeyFormat.Generate(), AnyClient, CancellationToken.None);

        Assert.Equal(ErrorCodes.InvalidToken, malformed.Problem?.Code);
        Assert.Equal(0, storageForMalformed);
        Assert.Equal(ErrorCodes.InvalidToken, unknown.Problem?.Code);
    }

    [Fact]
    public async Task Verify_WritesLastUsedAtOnFirstUse_ThenAtMostOnceAMinute()
    {
        var created = await CreateAsync();
        var first = _core.Time.GetUtcNow();

        await _verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);
        _core.Time.Advance(TimeSpan.FromSeconds(59));
        await _verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);
        var afterSecondUse = (await _keys.GetAsync(_userId, created.Id, CancellationToken.None)).Value!.LastUsedAt;
        _core.Time.Advance(TimeSpan.FromSeconds(1));
        await _verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);
        var afterThirdUse = (await _keys.GetAsync(_userId, created.Id, CancellationToken.None)).Value!.LastUsedAt;

        Assert.Equal(first, afterSecondUse);
        Assert.Equal(first.AddMinutes(1), afterThirdUse);
    }

    [Fact]
    public async Task Create_DoesNotCountExpiredKeys_TowardsThePlanLimit()
    {
        await CreateAsync(expiresAt: _core.Time.GetUtcNow().AddMinutes(5));
        await CreateAsync();
        var atLimit = await TryCreateAsync();

        _core.Time.Advance(TimeSpan.FromMinutes(5));
        var afterExpiry = await TryCreateAsync();

        Assert.Equal(ErrorCodes.KeyLimitReached, atLimit.Problem?.Code);
        Assert.True(afterExpiry.Succeeded);
        Assert.Equal(3, (await _keys.ListAsync(_userId, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task List_HidesIndexEntryWhoseCredentialWasNeverWritten_AndRevokeByIdRemovesIt()
    {
        // A create that crashed between its two writes: the index entry exists, the credential does not.
        var orphan = await WriteIndexOnlyAsync();
        var live = await CreateAsync();

        var listed = await _keys.ListAsync(_userId, CancellationToken.None);
        var revoke = await _keys.RevokeAsync(_session, orphan.KeyId, CancellationToken.None);

        Assert.Equal([live.Id], listed.Select(k => k.Id));
        Assert.True(revoke.Succeeded);
        Assert.Null(await _store.FindIndexAsync(_userId, orphan.KeyId, CancellationToken.None));
    }

    [Fact]
    public async Task List_DeletesAnOrphanedIndexEntry_OnceItsCreateIsSurelyOver()
    {
        var orphan = await WriteIndexOnlyAsync();

        await _keys.ListAsync(_userId, CancellationToken.None);
        var duringGrace = await _store.FindIndexAsync(_userId, orphan.KeyId, CancellationToken.None);
        _core.Time.Advance(new ApiKeyOptions().CreateGracePeriod);
        await _keys.ListAsync(_userId, CancellationToken.None);
        var afterGrace = await _store.FindIndexAsync(_userId, orphan.KeyId, CancellationToken.None);

        Assert.NotNull(duringGrace);
        Assert.Null(afterGrace);
    }

    [Fact]
    public async Task Create_RecountsTheLedger_WhenACrashedCreateHeldASlot()
    {
        await CreateAsync();
        var crashed = await WriteIndexOnlyAsync();
        var ledger = await _store.FindLedgerAsync(_userId, CancellationToken.None);
        ledger!.Slots = ledger.Slots.Replace("]", $",{{\"id\":\"{crashed.KeyId}\",\"expiresAt\":null}}]", StringComparison.Ordinal);
        Assert.True(await _store.TryWriteLedgerAsync(ledger, CancellationToken.None));

        var whileCreateMayBeRunning = await TryCreateAsync();
        _core.Time.Advance(new ApiKeyOptions().CreateGracePeriod);
        var afterGrace = await TryCreateAsync();

        Assert.Equal(ErrorCodes.KeyLimitReached, whileCreateMayBeRunning.Problem?.Code);
        Assert.True(afterGrace.Succeeded);
    }

    [Fact]
    public async Task RateLimiter_HoldsTheLimitAcrossInstances()
    {
        // Two limiters over the same tables are two instances of the app.
        var windows = _core.Get<RateWindowStore>();
        var first = new ApiKeyRateLimiter(windows, _core.Get<ExpiryIndex>(), _core.Time);
        var second = new ApiKeyRateLimiter(windows, _core.Get<ExpiryIndex>(), _core.Time);
        _core.Time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMinute - _core.Time.GetUtcNow().Ticks % TimeSpan.TicksPerMinute));

        var results = new[]
        {
            await first.AcquireAsync("KEY1", 3, CancellationToken.None),
            await second.AcquireAsync("KEY1", 3, CancellationToken.None),
            await first.AcquireAsync("KEY1", 3, CancellationToken.None),
            await second.AcquireAsync("KEY1", 3, CancellationToken.None),
            await first.AcquireAsync("KEY1", 3, CancellationToken.None),
        };

        Assert.Equal([true, true, true, false, false], results.Select(r => r.Succeeded));
        Assert.Equal([2, 1, 0], results.Take(3).Select(r => r.Value!.Remaining));
        Assert.Equal(ErrorCodes.RateLimited, results[3].Problem?.Code);
        Assert.Equal(TimeSpan.FromMinutes(1), results[3].Problem?.RetryAfter);
    }

    [Fact]
    public async Task RateLimiter_AllowsExactlyTheLimit_UnderConcurrentRequests()
    {
        var windows = _core.Get<RateWindowStore>();
        var instances = Enumerable.Range(0, 3).Select(_ => new ApiKeyRateLimiter(windows, _core.Get<ExpiryIndex>(), _core.Time)).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => instances[i % 3].AcquireAsync("KEY2", 5, CancellationToken.None)));

        Assert.Equal(5, results.Count(r => r.Succeeded));
    }

    [Fact]
    public async Task RateLimiter_SteadyTraffic_CostsOneStorageWriteAWindow()
    {
        var limiter = new ApiKeyRateLimiter(_core.Get<RateWindowStore>(), _core.Get<ExpiryIndex>(), _core.Time);
        _core.Time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMinute - _core.Time.GetUtcNow().Ticks % TimeSpan.TicksPerMinute));
        _core.StorageRequests.Clear();
        for (var i = 0; i < 100; i++)
        {
            Assert.True((await limiter.AcquireAsync("KEY3", 100, CancellationToken.None)).Succeeded);
        }

        var writesInFirstWindow = _core.StorageRequests.Requests.Count(r => r.IsWrite);
        _core.StorageRequests.Clear();
        _core.Time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 100; i++)
        {
            Assert.True((await limiter.AcquireAsync("KEY3", 100, CancellationToken.None)).Succeeded);
        }

        var refused = await limiter.AcquireAsync("KEY3", 100, CancellationToken.None);

        // Leases of 10, 20, 40 and the last 30 while learning the demand, plus scheduling the day's windows
        // for the expiry sweep (once a day); then the whole demand at once.
        Assert.Equal(5, writesInFirstWindow);
        Assert.Equal(1, _core.StorageRequests.Requests.Count(r => r.IsWrite));
        Assert.Equal(ErrorCodes.RateLimited, refused.Problem?.Code);
    }

    [Fact]
    public async Task Revoke_WhoseCredentialWriteLandedButIndexDidNot_IsFinishedByTheList()
    {
        var created = await CreateAsync();
        var index = (await _store.FindIndexAsync(_userId, created.Id, CancellationToken.None))!;
        var credential = (await _store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, CancellationToken.None))!;
        credential.RevokedAt = _core.Time.GetUtcNow();
        Assert.True(await _store.TryReplaceCredentialAsync(credential, CancellationToken.None));

        var listed = await _keys.ListAsync(_userId, CancellationToken.None);

        Assert.Empty(listed);
        Assert.NotNull((await _store.FindIndexAsync(_userId, created.Id, CancellationToken.None))!.RevokedAt);
    }

    private async Task<CreatedApiKey> CreateAsync(DateTimeOffset? expiresAt = null) => (await TryCreateAsync(expiresAt)).Value!;

    private Task<Result<CreatedApiKey>> TryCreateAsync(DateTimeOffset? expiresAt = null) =>
        _keys.CreateAsync(_session, new NewApiKey("key", ReadBookmarks, expiresAt, null), CancellationToken.None);

    private async Task<ApiKeyIndexEntity> WriteIndexOnlyAsync()
    {
        var key = ApiKeyFormat.Generate();
        var entry = new ApiKeyIndexEntity
        {
            PartitionKey = _userId,
            RowKey = _core.Get<IdGenerator>().NewId(),
            Name = "crashed",
            KeyPrefix = ApiKeyFormat.KeyPrefixOf(key),
            CredentialPartition = CredentialHasher.PartitionOf(ApiKeyFormat.KeyPrefixOf(key)),
            CredentialRow = _core.Get<CredentialHasher>().Hash(key),
            CreatedAt = _core.Time.GetUtcNow(),
        };
        await _store.AddIndexAsync(entry, CancellationToken.None);
        return entry;
    }
}

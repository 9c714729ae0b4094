using Bkmark.Core.ApiKeys;
using Bkmark.Core.Credentials;
using Bkmark.Core.Maintenance;

namespace Bkmark.Tests.ApiKeys;

/// <summary>The key rules with a <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/>, against Azurite.</summary>
public sealed class ApiKeyServiceTests : ApiKeyServicesTest
{
    private ApiKeyStore Store => Core.Get<ApiKeyStore>();

    protected override Task<CoreServices> StartServicesAsync() =>
        CoreServices.StartAsync(new Dictionary<string, string?> { ["ApiKeys:ProMaxActiveKeys"] = "2" });

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
        var created = await CreateAsync(expiresAt: Core.Time.GetUtcNow().AddHours(1));

        var before = await Verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);
        Core.Time.Advance(TimeSpan.FromHours(1));
        var atExpiry = await Verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);

        Assert.True(before.Succeeded);
        Assert.Equal(ErrorCodes.TokenExpired, atExpiry.Problem?.Code);
    }

    [Fact]
    public async Task Verify_ReturnsTokenRevoked_AfterRevoke_AndKeepsTheCredentialForTheSweep()
    {
        var created = await CreateAsync();

        await Keys.RevokeAsync(Session, created.Id, CancellationToken.None);
        var result = await Verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);
        var index = await Store.FindIndexAsync(UserId, created.Id, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenRevoked, result.Problem?.Code);
        Assert.Equal(Core.Time.GetUtcNow(), index!.RevokedAt);
        var credential = await Store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, CancellationToken.None);
        Assert.Equal(Core.Time.GetUtcNow(), credential!.RevokedAt);
    }

    [Fact]
    public async Task Verify_ReturnsInvalidToken_ForMalformedKeyWithoutTouchingStorage_AndForUnknownKey()
    {
        Core.StorageRequests.Clear();
        var malformed = await Verifier.VerifyAsync("bk_NOT-A-KEY", AnyClient, CancellationToken.None);
        var storageForMalformed = Core.StorageRequests.Requests.Count;
        var unknown = await Verifier.VerifyAsync(ApiKeyFormat.Generate(), AnyClient, CancellationToken.None);

        Assert.Equal(ErrorCodes.InvalidToken, malformed.Problem?.Code);
        Assert.Equal(0, storageForMalformed);
        Assert.Equal(ErrorCodes.InvalidToken, unknown.Problem?.Code);
    }

    [Fact]
    public async Task Verify_WritesLastUsedAtOnFirstUse_ThenAtMostOnceAMinute()
    {
        var created = await CreateAsync();
        var first = Core.Time.GetUtcNow();

        await Verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);
        Core.Time.Advance(TimeSpan.FromSeconds(59));
        await Verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);
        var afterSecondUse = (await Keys.GetAsync(UserId, created.Id, CancellationToken.None)).Value!.LastUsedAt;
        Core.Time.Advance(TimeSpan.FromSeconds(1));
        await Verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);
        var afterThirdUse = (await Keys.GetAsync(UserId, created.Id, CancellationToken.None)).Value!.LastUsedAt;

        Assert.Equal(first, afterSecondUse);
        Assert.Equal(first.AddMinutes(1), afterThirdUse);
    }

    [Fact]
    public async Task Create_DoesNotCountExpiredKeys_TowardsThePlanLimit()
    {
        await CreateAsync(expiresAt: Core.Time.GetUtcNow().AddMinutes(5));
        await CreateAsync();
        var atLimit = await TryCreateAsync();

        Core.Time.Advance(TimeSpan.FromMinutes(5));
        var afterExpiry = await TryCreateAsync();

        Assert.Equal(ErrorCodes.KeyLimitReached, atLimit.Problem?.Code);
        Assert.True(afterExpiry.Succeeded);
        Assert.Equal(3, (await Keys.ListAsync(UserId, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task List_HidesIndexEntryWhoseCredentialWasNeverWritten_AndRevokeByIdRemovesIt()
    {
        // A create that crashed between its two writes: the index entry exists, the credential does not.
        var orphan = await WriteIndexOnlyAsync();
        var live = await CreateAsync();

        var listed = await Keys.ListAsync(UserId, CancellationToken.None);
        var revoke = await Keys.RevokeAsync(Session, orphan.KeyId, CancellationToken.None);

        Assert.Equal([live.Id], listed.Select(k => k.Id));
        Assert.True(revoke.Succeeded);
        Assert.Null(await Store.FindIndexAsync(UserId, orphan.KeyId, CancellationToken.None));
    }

    [Fact]
    public async Task List_DeletesAnOrphanedIndexEntry_OnceItsCreateIsSurelyOver()
    {
        var orphan = await WriteIndexOnlyAsync();

        await Keys.ListAsync(UserId, CancellationToken.None);
        var duringGrace = await Store.FindIndexAsync(UserId, orphan.KeyId, CancellationToken.None);
        Core.Time.Advance(new ApiKeyOptions().CreateGracePeriod);
        await Keys.ListAsync(UserId, CancellationToken.None);
        var afterGrace = await Store.FindIndexAsync(UserId, orphan.KeyId, CancellationToken.None);

        Assert.NotNull(duringGrace);
        Assert.Null(afterGrace);
    }

    [Fact]
    public async Task Create_RecountsTheLedger_WhenACrashedCreateHeldASlot()
    {
        await CreateAsync();
        var crashed = await WriteIndexOnlyAsync();
        var ledger = await Store.FindLedgerAsync(UserId, CancellationToken.None);
        ledger!.Slots = ledger.Slots.Replace("]", $",{{\"id\":\"{crashed.KeyId}\",\"expiresAt\":null}}]", StringComparison.Ordinal);
        Assert.True(await Store.TryWriteLedgerAsync(ledger, CancellationToken.None));

        var whileCreateMayBeRunning = await TryCreateAsync();
        Core.Time.Advance(new ApiKeyOptions().CreateGracePeriod);
        var afterGrace = await TryCreateAsync();

        Assert.Equal(ErrorCodes.KeyLimitReached, whileCreateMayBeRunning.Problem?.Code);
        Assert.True(afterGrace.Succeeded);
    }

    [Fact]
    public async Task RateLimiter_HoldsTheLimitAcrossInstances()
    {
        // Two limiters over the same tables are two instances of the app.
        var windows = Core.Get<RateWindowStore>();
        var first = new ApiKeyRateLimiter(windows, Core.Get<ExpiryIndex>(), new ApiKeyUsageCounter(Core.Time), Core.Time);
        var second = new ApiKeyRateLimiter(windows, Core.Get<ExpiryIndex>(), new ApiKeyUsageCounter(Core.Time), Core.Time);
        Core.Time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMinute - Core.Time.GetUtcNow().Ticks % TimeSpan.TicksPerMinute));

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
        var windows = Core.Get<RateWindowStore>();
        var instances = Enumerable.Range(0, 3).Select(_ => new ApiKeyRateLimiter(windows, Core.Get<ExpiryIndex>(), new ApiKeyUsageCounter(Core.Time), Core.Time)).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => instances[i % 3].AcquireAsync("KEY2", 5, CancellationToken.None)));

        Assert.Equal(5, results.Count(r => r.Succeeded));
    }

    [Fact]
    public async Task RateLimiter_SteadyTraffic_CostsOneStorageWriteAWindow()
    {
        var limiter = new ApiKeyRateLimiter(Core.Get<RateWindowStore>(), Core.Get<ExpiryIndex>(), new ApiKeyUsageCounter(Core.Time), Core.Time);
        Core.Time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMinute - Core.Time.GetUtcNow().Ticks % TimeSpan.TicksPerMinute));
        Core.StorageRequests.Clear();
        for (var i = 0; i < 100; i++)
        {
            Assert.True((await limiter.AcquireAsync("KEY3", 100, CancellationToken.None)).Succeeded);
        }

        var writesInFirstWindow = Core.StorageRequests.Requests.Count(r => r.IsWrite);
        Core.StorageRequests.Clear();
        Core.Time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 100; i++)
        {
            Assert.True((await limiter.AcquireAsync("KEY3", 100, CancellationToken.None)).Succeeded);
        }

        var refused = await limiter.AcquireAsync("KEY3", 100, CancellationToken.None);

        // Leases of 10, 20, 40 and the last 30 while learning the demand, plus scheduling the day's windows
        // for the expiry sweep (once a day); then the whole demand at once.
        Assert.Equal(5, writesInFirstWindow);
        Assert.Equal(1, Core.StorageRequests.Requests.Count(r => r.IsWrite));
        Assert.Equal(ErrorCodes.RateLimited, refused.Problem?.Code);
    }

    [Fact]
    public async Task Revoke_WhoseCredentialWriteLandedButIndexDidNot_IsFinishedByTheList()
    {
        var created = await CreateAsync();
        var index = (await Store.FindIndexAsync(UserId, created.Id, CancellationToken.None))!;
        var credential = (await Store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, CancellationToken.None))!;
        credential.RevokedAt = Core.Time.GetUtcNow();
        Assert.True(await Store.TryReplaceCredentialAsync(credential, CancellationToken.None));

        var listed = await Keys.ListAsync(UserId, CancellationToken.None);

        Assert.Empty(listed);
        Assert.NotNull((await Store.FindIndexAsync(UserId, created.Id, CancellationToken.None))!.RevokedAt);
    }

    private async Task<ApiKeyIndexEntity> WriteIndexOnlyAsync()
    {
        var key = ApiKeyFormat.Generate();
        var entry = new ApiKeyIndexEntity
        {
            PartitionKey = UserId,
            RowKey = Core.Get<IdGenerator>().NewId(),
            Name = "crashed",
            KeyPrefix = ApiKeyFormat.KeyPrefixOf(key),
            CredentialPartition = CredentialHasher.PartitionOf(ApiKeyFormat.KeyPrefixOf(key)),
            CredentialRow = Core.Get<CredentialHasher>().Hash(key),
            CreatedAt = Core.Time.GetUtcNow(),
        };
        await Store.AddIndexAsync(entry, CancellationToken.None);
        return entry;
    }
}

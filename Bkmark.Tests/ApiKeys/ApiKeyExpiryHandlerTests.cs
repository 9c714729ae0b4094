using Azure.Core.Pipeline;
using Bkmark.Core.ApiKeys;
using Bkmark.Core.Maintenance;
using Bkmark.Tests.Maintenance;

namespace Bkmark.Tests.ApiKeys;

/// <summary>What the sweep does to API keys and their rate windows, with fake time against Azurite.</summary>
public sealed class ApiKeyExpiryHandlerTests : ApiKeyServicesTest
{
    private readonly StorageFaults faults = new();

    protected override Task<CoreServices> StartServicesAsync() =>
        CoreServices.StartAsync(configure: services => services.AddSingleton<HttpPipelinePolicy>(faults));

    [Fact]
    public async Task Sweep_KeepsRevokedKeyAnsweringTokenRevokedUntilRetentionEnds_ThenDeletesIt()
    {
        var revoked = await CreateAsync();
        var live = await CreateAsync();
        await Keys.RevokeAsync(Session, revoked.Id, CancellationToken.None);

        await Core.SweepAfterAsync(TimeSpan.FromDays(29));
        var duringRetention = await Verifier.VerifyAsync(revoked.Key, AnyClient, CancellationToken.None);
        var report = await Core.SweepAfterAsync(TimeSpan.FromDays(1) + SweepTestData.BucketClosed);
        var afterRetention = await Verifier.VerifyAsync(revoked.Key, AnyClient, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenRevoked, duringRetention.Problem?.Code);
        Assert.Equal(ErrorCodes.InvalidToken, afterRetention.Problem?.Code);
        Assert.Equal(2, report.DeletedOf(ApiKeyExpiryHandler.KindName));
        Assert.Null(await Core.Get<ApiKeyStore>().FindIndexAsync(UserId, revoked.Id, CancellationToken.None));
        Assert.True((await Verifier.VerifyAsync(live.Key, AnyClient, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Sweep_KeepsExpiredKeyListedAndAnsweringTokenExpiredUntilRetentionEnds_ThenDeletesIt()
    {
        var expiring = await CreateAsync(expiresAt: Core.Time.GetUtcNow() + TimeSpan.FromHours(1));

        await Core.SweepAfterAsync(TimeSpan.FromDays(30));
        var duringRetention = await Verifier.VerifyAsync(expiring.Key, AnyClient, CancellationToken.None);
        var listedDuring = await Keys.ListAsync(UserId, CancellationToken.None);
        await Core.SweepAfterAsync(TimeSpan.FromHours(1) + SweepTestData.BucketClosed);
        var afterRetention = await Verifier.VerifyAsync(expiring.Key, AnyClient, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenExpired, duringRetention.Problem?.Code);
        Assert.Single(listedDuring);
        Assert.Equal(ErrorCodes.InvalidToken, afterRetention.Problem?.Code);
        Assert.Empty(await Keys.ListAsync(UserId, CancellationToken.None));
        Assert.Equal(0, await Core.CountAsync(TableNames.ApiKeys));
    }

    [Fact]
    public async Task Sweep_KeepsARolledPreviousValueAnsweringTokenRevokedUntilRetentionEnds_ThenDeletesIt()
    {
        var created = await CreateAsync();
        var rolled = (await Roller.RollAsync(Session, created.Id, 60, CancellationToken.None)).Value!;

        await Core.SweepAfterAsync(TimeSpan.FromDays(30));
        var duringRetention = await Verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);
        var report = await Core.SweepAfterAsync(TimeSpan.FromMinutes(1) + SweepTestData.BucketClosed);
        var afterRetention = await Verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenRevoked, duringRetention.Problem?.Code);
        Assert.Equal(ErrorCodes.InvalidToken, afterRetention.Problem?.Code);
        Assert.Equal(1, report.DeletedOf(ApiKeyValueExpiryHandler.KindName));
        Assert.True((await Verifier.VerifyAsync(rolled.Key, AnyClient, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Sweep_EndsThePreviousValue_WhenARollStoppedBeforeEndingIt()
    {
        var created = await CreateAsync();
        var rolled = (await Roller.RollAsync(Session, created.Id, 60, CancellationToken.None)).Value!;
        // As if the roll had stopped after pointing the index at the new value: the old one has no end yet.
        var store = Core.Get<ApiKeyStore>();
        var index = (await store.FindIndexAsync(UserId, created.Id, CancellationToken.None))!;
        var previous = (await store.FindCredentialAsync(index.PreviousCredentialPartition!, index.PreviousCredentialRow!, CancellationToken.None))!;
        previous.RetiresAt = null;
        Assert.True(await store.TryReplaceCredentialAsync(previous, CancellationToken.None));
        Core.Time.Advance(TimeSpan.FromMinutes(5));
        var beforeSweep = await Verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);

        await Core.SweepAfterAsync(SweepTestData.BucketClosed);
        var afterSweep = await Verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);

        Assert.True(beforeSweep.Succeeded);
        Assert.Equal(ErrorCodes.TokenRevoked, afterSweep.Problem?.Code);
        Assert.True((await Verifier.VerifyAsync(rolled.Key, AnyClient, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Sweep_RemovesIndexEntryOfACreateThatCrashedBeforeWritingTheCredential()
    {
        var credentialTable = "/" + Core.TablePrefix + TableNames.ApiKeys;
        faults.FailWhen = (method, uri) => method == "POST" && uri.AbsolutePath.EndsWith(credentialTable, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => CreateAsync());
        faults.FailWhen = null;
        var orphans = await Core.Get<ApiKeyStore>().ListIndexAsync(UserId, CancellationToken.None);

        var report = await Core.SweepAfterAsync(TimeSpan.FromMinutes(2) + SweepTestData.BucketClosed);

        Assert.Single(orphans);
        Assert.Equal(1, report.DeletedOf(ApiKeyExpiryHandler.KindName));
        Assert.Empty(await Core.Get<ApiKeyStore>().ListIndexAsync(UserId, CancellationToken.None));
    }

    [Fact]
    public async Task Sweep_DeletesPastRateWindows_AndKeepsTheKey()
    {
        var key = await CreateAsync();
        await Verifier.VerifyAsync(key.Key, AnyClient, CancellationToken.None);
        Core.Time.Advance(TimeSpan.FromMinutes(1));
        await Verifier.VerifyAsync(key.Key, AnyClient, CancellationToken.None);
        var windows = await Core.CountAsync(TableNames.ApiKeyRateWindows);

        var report = await Core.SweepAfterAsync(TimeSpan.FromDays(1) + SweepTestData.BucketClosed);

        // Two windows, and the day's usage row the second lease write carried (DESIGN §18), which is kept for its retention.
        Assert.Equal(3, windows);
        Assert.Equal(2, report.DeletedOf(RateWindowExpiryHandler.KindName));
        Assert.Equal(1, await Core.CountAsync(TableNames.ApiKeyRateWindows));
        Assert.True((await Verifier.VerifyAsync(key.Key, AnyClient, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Sweep_CopesWithAStoredFarFutureExpiry_WithoutFailingOrPinningTheCheckpoint()
    {
        // A key stored before expiresAt was bounded: its expiry plus retention is past what a date can hold.
        var key = await CreateAsync();
        var store = Core.Get<ApiKeyStore>();
        var index = (await store.FindIndexAsync(UserId, key.Id, CancellationToken.None))!;
        var credential = (await store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, CancellationToken.None))!;
        credential.ExpiresAt = new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);
        Assert.True(await store.TryReplaceCredentialAsync(credential, CancellationToken.None));

        var first = await Core.SweepAfterAsync(TimeSpan.FromMinutes(2) + SweepTestData.BucketClosed);
        var second = await Core.SweepAfterAsync(SweepTestData.BucketClosed);

        Assert.Equal((0, 1), (first.Failed, first.Rescheduled));
        Assert.Equal(Core.Get<ExpiryIndex>().BucketOf(Core.Time.GetUtcNow() - SweepTestData.BucketClosed), first.NextBucket);
        Assert.Equal((0, 0), (second.Failed, second.Entries));
        Assert.Equal(Core.Get<ExpiryIndex>().BucketOf(Core.Time.GetUtcNow()), second.NextBucket);
        Assert.True((await Verifier.VerifyAsync(key.Key, AnyClient, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Create_Returns400NamingExpiresAt_For9999()
    {
        var created = await Keys.CreateAsync(Session, new NewApiKey("key", ReadBookmarks, new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero), null), CancellationToken.None);

        Assert.Equal(ErrorCodes.ValidationFailed, created.Problem?.Code);
        Assert.True(created.Problem!.Errors!.ContainsKey("expiresAt"));
    }
}

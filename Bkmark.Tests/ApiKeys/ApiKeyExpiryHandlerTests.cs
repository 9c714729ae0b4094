using Azure.Core.Pipeline;
using Bkmark.Core.Accounts;
using Bkmark.Core.ApiKeys;
using Bkmark.Core.Authorization;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Sessions;
using Bkmark.Tests.Maintenance;

namespace Bkmark.Tests.ApiKeys;

/// <summary>What the sweep does to API keys and their rate windows, with fake time against Azurite.</summary>
public sealed class ApiKeyExpiryHandlerTests : IAsyncLifetime
{
    // A request from a documentation address (RFC 5737) with no browser: no key here has allowedIps.
    private static readonly ClientInfo AnyClient = new(UserAgent: null, IpAddress: "192.0.2.1");

    private static readonly string[] ReadBookmarks = [Scopes.BookmarksRead];
    private readonly StorageFaults _faults = new();
    private CoreServices _core = null!;
    private ApiKeyService _keys = null!;
    private IApiKeyVerifier _verifier = null!;
    private string _userId = "";
    private Caller _session = null!;

    public async Task InitializeAsync()
    {
        _core = await CoreServices.StartAsync(configure: services => services.AddSingleton<HttpPipelinePolicy>(_faults));
        _keys = _core.Get<ApiKeyService>();
        _verifier = _core.Get<IApiKeyVerifier>();
        (_userId, _session) = await _core.CreateUserAsync(Plans.Pro);
    }

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task Sweep_KeepsRevokedKeyAnsweringTokenRevokedUntilRetentionEnds_ThenDeletesIt()
    {
        var revoked = await CreateAsync();
        var live = await CreateAsync();
        await _keys.RevokeAsync(_session, revoked.Id, CancellationToken.None);

        await _core.SweepAfterAsync(TimeSpan.FromDays(29));
        var duringRetention = await _verifier.VerifyAsync(revoked.Key, AnyClient, CancellationToken.None);
        var report = await _core.SweepAfterAsync(TimeSpan.FromDays(1) + SweepTestData.BucketClosed);
        var afterRetention = await _verifier.VerifyAsync(revoked.Key, AnyClient, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenRevoked, duringRetention.Problem?.Code);
        Assert.Equal(ErrorCodes.InvalidToken, afterRetention.Problem?.Code);
        Assert.Equal(2, report.DeletedOf(ApiKeyExpiryHandler.KindName));
        Assert.Null(await _core.Get<ApiKeyStore>().FindIndexAsync(_userId, revoked.Id, CancellationToken.None));
        Assert.True((await _verifier.VerifyAsync(live.Key, AnyClient, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Sweep_KeepsExpiredKeyListedAndAnsweringTokenExpiredUntilRetentionEnds_ThenDeletesIt()
    {
        var expiring = await CreateAsync(expiresAt: _core.Time.GetUtcNow() + TimeSpan.FromHours(1));

        await _core.SweepAfterAsync(TimeSpan.FromDays(30));
        var duringRetention = await _verifier.VerifyAsync(expiring.Key, AnyClient, CancellationToken.None);
        var listedDuring = await _keys.ListAsync(_userId, CancellationToken.None);
        await _core.SweepAfterAsync(TimeSpan.FromHours(1) + SweepTestData.BucketClosed);
        var afterRetention = await _verifier.VerifyAsync(expiring.Key, AnyClient, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenExpired, duringRetention.Problem?.Code);
        Assert.Single(listedDuring);
        Assert.Equal(ErrorCodes.InvalidToken, afterRetention.Problem?.Code);
        Assert.Empty(await _keys.ListAsync(_userId, CancellationToken.None));
        Assert.Equal(0, await _core.CountAsync(TableNames.ApiKeys));
    }

    [Fact]
    public async Task Sweep_KeepsARolledPreviousValueAnsweringTokenRevokedUntilRetentionEnds_ThenDeletesIt()
    {
        var created = await CreateAsync();
        var rolled = (await _keys.RollAsync(_session, created.Id, 60, CancellationToken.None)).Value!;

        await _core.SweepAfterAsync(TimeSpan.FromDays(30));
        var duringRetention = await _verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);
        var report = await _core.SweepAfterAsync(TimeSpan.FromMinutes(1) + SweepTestData.BucketClosed);
        var afterRetention = await _verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);

        Assert.Equal(ErrorCodes.TokenRevoked, duringRetention.Problem?.Code);
        Assert.Equal(ErrorCodes.InvalidToken, afterRetention.Problem?.Code);
        Assert.Equal(1, report.DeletedOf(ApiKeyValueExpiryHandler.KindName));
        Assert.True((await _verifier.VerifyAsync(rolled.Key, AnyClient, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Sweep_EndsThePreviousValue_WhenARollStoppedBeforeEndingIt()
    {
        var created = await CreateAsync();
        var rolled = (await _keys.RollAsync(_session, created.Id, 60, CancellationToken.None)).Value!;
        // As if the roll had stopped after pointing the index at the new value: the old one has no end yet.
        var store = _core.Get<ApiKeyStore>();
        var index = (await store.FindIndexAsync(_userId, created.Id, CancellationToken.None))!;
        var previous = (await store.FindCredentialAsync(index.PreviousCredentialPartition!, index.PreviousCredentialRow!, CancellationToken.None))!;
        previous.RetiresAt = null;
        Assert.True(await store.TryReplaceCredentialAsync(previous, CancellationToken.None));
        _core.Time.Advance(TimeSpan.FromMinutes(5));
        var beforeSweep = await _verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);

        await _core.SweepAfterAsync(SweepTestData.BucketClosed);
        var afterSweep = await _verifier.VerifyAsync(created.Key, AnyClient, CancellationToken.None);

        Assert.True(beforeSweep.Succeeded);
        Assert.Equal(ErrorCodes.TokenRevoked, afterSweep.Problem?.Code);
        Assert.True((await _verifier.VerifyAsync(rolled.Key, AnyClient, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Sweep_RemovesIndexEntryOfACreateThatCrashedBeforeWritingTheCredential()
    {
        var credentialTable = "/" + _core.TablePrefix + TableNames.ApiKeys;
        _faults.FailWhen = (method, uri) => method == "POST" && uri.AbsolutePath.EndsWith(credentialTable, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => CreateAsync());
        _faults.FailWhen = null;
        var orphans = await _core.Get<ApiKeyStore>().ListIndexAsync(_userId, CancellationToken.None);

        var report = await _core.SweepAfterAsync(TimeSpan.FromMinutes(2) + SweepTestData.BucketClosed);

        Assert.Single(orphans);
        Assert.Equal(1, report.DeletedOf(ApiKeyExpiryHandler.KindName));
        Assert.Empty(await _core.Get<ApiKeyStore>().ListIndexAsync(_userId, CancellationToken.None));
    }

    [Fact]
    public async Task Sweep_DeletesPastRateWindows_AndKeepsTheKey()
    {
        var key = await CreateAsync();
        await _verifier.VerifyAsync(key.Key, AnyClient, CancellationToken.None);
        _core.Time.Advance(TimeSpan.FromMinutes(1));
        await _verifier.VerifyAsync(key.Key, AnyClient, CancellationToken.None);
        var windows = await _core.CountAsync(TableNames.ApiKeyRateWindows);

        var report = await _core.SweepAfterAsync(TimeSpan.FromDays(1) + SweepTestData.BucketClosed);

        Assert.Equal(2, windows);
        Assert.Equal(2, report.DeletedOf(RateWindowExpiryHandler.KindName));
        Assert.Equal(0, await _core.CountAsync(TableNames.ApiKeyRateWindows));
        Assert.True((await _verifier.VerifyAsync(key.Key, AnyClient, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Sweep_CopesWithAStoredFarFutureExpiry_WithoutFailingOrPinningTheCheckpoint()
    {
        // A key stored before expiresAt was bounded: its expiry plus retention is past what a date can hold.
        var key = await CreateAsync();
        var store = _core.Get<ApiKeyStore>();
        var index = (await store.FindIndexAsync(_userId, key.Id, CancellationToken.None))!;
        var credential = (await store.FindCredentialAsync(index.CredentialPartition, index.CredentialRow, CancellationToken.None))!;
        credential.ExpiresAt = new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);
        Assert.True(await store.TryReplaceCredentialAsync(credential, CancellationToken.None));

        var first = await _core.SweepAfterAsync(TimeSpan.FromMinutes(2) + SweepTestData.BucketClosed);
        var second = await _core.SweepAfterAsync(SweepTestData.BucketClosed);

        Assert.Equal((0, 1), (first.Failed, first.Rescheduled));
        Assert.Equal(_core.Get<ExpiryIndex>().BucketOf(_core.Time.GetUtcNow() - SweepTestData.BucketClosed), first.NextBucket);
        Assert.Equal((0, 0), (second.Failed, second.Entries));
        Assert.Equal(_core.Get<ExpiryIndex>().BucketOf(_core.Time.GetUtcNow()), second.NextBucket);
        Assert.True((await _verifier.VerifyAsync(key.Key, AnyClient, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Create_Returns400NamingExpiresAt_For9999()
    {
        var created = await _keys.CreateAsync(_session, new NewApiKey("key", ReadBookmarks, new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero), null), CancellationToken.None);

        Assert.Equal(ErrorCodes.ValidationFailed, created.Problem?.Code);
        Assert.True(created.Problem!.Errors!.ContainsKey("expiresAt"));
    }

    private async Task<CreatedApiKey> CreateAsync(DateTimeOffset? expiresAt = null) =>
        (await _keys.CreateAsync(_session, new NewApiKey("key", ReadBookmarks, expiresAt, null), CancellationToken.None)).Value!;
}

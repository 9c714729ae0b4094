using Bkmark.Core.Social;
using Bkmark.Tests.Maintenance;

namespace Bkmark.Tests.Social;

/// <summary>Flows and pending sign-ins: taken at most once under concurrency, refused once expired, swept through the expiry index.</summary>
public sealed class SocialFlowStoreTests : CoreServicesTest
{
    private SocialFlowStore Flows => Core.Get<SocialFlowStore>();

    [Fact]
    public async Task TryConsume_SucceedsOnce_WhenManyTakeOneFlowAtOnce()
    {
        const string state = "state-raced-by-many-callbacks";
        await Flows.AddAsync(state, NewFlow(TimeSpan.FromMinutes(10)), CancellationToken.None);
        var now = Core.Time.GetUtcNow();

        var taken = await Race.RunAsync(async _ =>
            await Flows.FindAsync(state, SocialFlowEntity.FlowKind, now, CancellationToken.None) is { } flow
            && await Flows.TryConsumeAsync(flow, now, CancellationToken.None));

        Assert.Single(taken, t => t);
        Assert.Null(await Flows.FindAsync(state, SocialFlowEntity.FlowKind, now, CancellationToken.None));
    }

    [Fact]
    public async Task Find_ReturnsNull_WhenTheFlowHasExpired()
    {
        const string state = "state-of-a-slow-sign-in";
        await Flows.AddAsync(state, NewFlow(TimeSpan.FromMinutes(10)), CancellationToken.None);

        var found = await Flows.FindAsync(state, SocialFlowEntity.FlowKind, Core.Time.GetUtcNow().AddMinutes(10), CancellationToken.None);

        Assert.Null(found);
    }

    [Fact]
    public async Task Sweep_DeletesExpiredFlow_AndKeepsLiveOne()
    {
        await Flows.AddAsync("state-nobody-finished", NewFlow(TimeSpan.FromMinutes(10)), CancellationToken.None);
        Core.Time.Advance(TimeSpan.FromMinutes(20));
        await Flows.AddAsync("state-still-going", NewFlow(TimeSpan.FromMinutes(10)), CancellationToken.None);

        var report = await Core.SweepAfterAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(1, report.DeletedOf(SocialFlowExpiryHandler.KindName));
        Assert.Equal(1, await Core.CountAsync(TableNames.SocialFlows));
        Assert.NotNull(await Flows.FindAsync("state-still-going", SocialFlowEntity.FlowKind, Core.Time.GetUtcNow(), CancellationToken.None));
    }

    private SocialFlowEntity NewFlow(TimeSpan lifetime) => new()
    {
        RowKey = SocialFlowEntity.FlowKind,
        Provider = "local",
        Purpose = SocialFlowPurpose.SignIn,
        BindingHash = "binding",
        RedirectUri = "http://localhost/api/v1/auth/social/local/callback",
        ExpiresAt = Core.Time.GetUtcNow() + lifetime,
    };
}

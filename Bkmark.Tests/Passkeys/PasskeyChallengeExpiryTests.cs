using Bkmark.Core.Passkeys;
using Bkmark.Tests.Maintenance;

namespace Bkmark.Tests.Passkeys;

/// <summary>Unanswered ceremony challenges are swept once expired; live ones stay usable.</summary>
public sealed class PasskeyChallengeExpiryTests : CoreServicesTest
{
    [Fact]
    public async Task Sweep_DeletesExpiredChallenge_AndKeepsLiveOne()
    {
        var challenges = Core.Get<PasskeyChallengeStore>();
        await challenges.CreateAsync(PasskeyCeremony.Registration, "user-a", "{}", context: null, CancellationToken.None);
        Core.Time.Advance(TimeSpan.FromMinutes(20));
        var live = await challenges.CreateAsync(PasskeyCeremony.Registration, "user-b", "{}", context: null, CancellationToken.None);

        var report = await Core.SweepAfterAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(1, report.DeletedOf(PasskeyChallengeExpiryHandler.KindName));
        Assert.Equal(1, await Core.CountAsync(TableNames.PasskeyChallenges));
        Assert.Equal("{}", (await challenges.ConsumeAsync(live, PasskeyCeremony.Registration, "user-b", CancellationToken.None))?.OptionsJson);
    }
}

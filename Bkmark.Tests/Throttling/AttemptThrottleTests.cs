using Bkmark.Core.Throttling;
using Bkmark.Tests.Infrastructure;

namespace Bkmark.Tests.Throttling;

public sealed class AttemptThrottleTests : IAsyncLifetime
{
    private static readonly ThrottlePolicy Policy = new("test", 5, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));
    private CoreServices _core = null!;

    public async Task InitializeAsync() => _core = await CoreServices.StartAsync();

    public async Task DisposeAsync() => await _core.DisposeAsync();

    // Found by the two-factor race test: 20 simultaneous failures used to exhaust the retries and throw (a 500).
    [Fact]
    public async Task RecordFailure_LocksOutWithoutThrowing_WhenTwentyFailuresRace()
    {
        // Arrange
        var throttle = _core.Get<AttemptThrottle>();
        var states = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => throttle.ReadAsync(Policy, "subject", CancellationToken.None)));

        // Act
        await Task.WhenAll(states.Select(state => Task.Run(() => throttle.RecordFailureAsync(state, CancellationToken.None))));

        // Assert
        var after = await throttle.ReadAsync(Policy, "subject", CancellationToken.None);
        Assert.Equal(TimeSpan.FromMinutes(15), after.LockedFor);
    }
}

namespace Bkmark.Tests.LocalHost;

/// <summary>The scheduler driven by FakeTimeProvider: schedules fire without waiting for the clock.</summary>
public sealed class TimerFunctionSchedulerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static Dictionary<string, string?> TimersOn(string? sampleSchedule) => new()
    {
        ["LocalHost:DisableTimers"] = "false",
        ["Samples:Schedule"] = sampleSchedule,
    };

    /// <summary>
    /// Moves fake time on in steps until <paramref name="done"/>: the scheduler may not have armed its
    /// delay yet when the first step is taken, and a step taken before that is simply not seen.
    /// </summary>
    private static async Task AdvanceUntilAsync(SampleHostFixture host, TimeSpan step, Func<bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "The timer function did not run.");
            host.Time.Advance(step);
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Scheduler_RunsFunctionWithScheduleStatus_WhenScheduleComesDue()
    {
        // Arrange
        var host = await SampleHostFixture.StartAsync(TimersOn("0 */5 * * * *"));
        try
        {
            // Act
            await AdvanceUntilAsync(host, TimeSpan.FromMinutes(5), () => !host.Probe.TimerRuns.IsEmpty);

            // Assert
            Assert.True(host.Probe.TimerRuns.TryPeek(out var run));
            var status = run!.ScheduleStatus!;
            Assert.Equal(0, status.Next.Second);
            Assert.Equal(0, status.Next.Minute % 5);
            Assert.Equal(default, status.Last); // the first scheduled run has no previous one
            Assert.False(run.IsPastDue);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Scheduler_KeepsRunningAndServing_WhenATimerFunctionThrows()
    {
        // Arrange: FailingSampleSweep runs hourly and always throws.
        var host = await SampleHostFixture.StartAsync(TimersOn("0 0 0 1 1 *"));
        try
        {
            // Act
            await AdvanceUntilAsync(host, TimeSpan.FromHours(1), () => Volatile.Read(ref host.Probe.FailingTimerRuns) >= 2);
            var response = await host.Client.GetAsync("api/samples/items/still-here");

            // Assert
            Assert.True(Volatile.Read(ref host.Probe.FailingTimerRuns) >= 2);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task StartAsync_FailsNamingTheSetting_WhenScheduleSettingIsMissing()
    {
        // Act
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SampleHostFixture.StartAsync(TimersOn(null)));

        // Assert
        Assert.Contains("Samples:Schedule", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(SampleFunctions.SampleSweep), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_IgnoresSchedules_WhenTimersAreDisabled()
    {
        // Arrange: no Samples:Schedule, but timers are off (the fixture's default).
        var host = await SampleHostFixture.StartAsync(new Dictionary<string, string?>());
        try
        {
            // Act
            host.Time.Advance(TimeSpan.FromDays(1));
            await Task.Delay(100);

            // Assert
            Assert.Empty(host.Probe.TimerRuns);
            Assert.Equal(0, Volatile.Read(ref host.Probe.FailingTimerRuns));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}

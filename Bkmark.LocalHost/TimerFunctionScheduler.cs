using Microsoft.Azure.Functions.Worker;

namespace Bkmark.LocalHost;

/// <summary>
/// Runs each timer function on its schedule, one run at a time per function (the real host holds a
/// singleton lock for the same reason: a sweep must not overlap itself).
/// </summary>
/// <remarks>
/// Time comes from the registered <see cref="TimeProvider"/>, so a test can drive the schedule with
/// FakeTimeProvider instead of waiting.
/// </remarks>
internal sealed class TimerFunctionScheduler(
    FunctionCatalog catalog, TimerFunctionRunner runner, IConfiguration configuration,
    IServiceProvider services, ILogger<TimerFunctionScheduler> logger) : BackgroundService
{
    public const string DisableTimersKey = "LocalHost:DisableTimers";

    // Task.Delay cannot wait longer than about 49 days; a yearly schedule waits in steps.
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(1);

    private readonly TimeProvider time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    private IReadOnlyList<(TimerFunction Function, TimerSchedule Schedule)> scheduled = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue<bool>(DisableTimersKey))
        {
            LocalHostLog.TimersDisabled(logger, catalog.TimerFunctions.Count);
            return Task.CompletedTask;
        }

        // Resolved here, not in ExecuteAsync, so that a missing setting stops start-up with its message
        // instead of failing later on a background thread.
        scheduled = catalog.TimerFunctions
            .Select(f => (f, TimerSchedule.Resolve(f.Name, f.Schedule, configuration)))
            .ToArray();
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(scheduled.Select(s => RunOnScheduleAsync(s.Function, s.Schedule, stoppingToken)));

    private async Task RunOnScheduleAsync(TimerFunction function, TimerSchedule schedule, CancellationToken stoppingToken)
    {
        try
        {
            DateTime now = time.GetUtcNow().UtcDateTime;
            DateTime last = default;
            LocalHostLog.TimerScheduled(logger, function.Name, schedule.Expression, schedule.GetNextOccurrence(now));

            if (function.RunOnStartup)
            {
                await runner.RunAsync(function, Info(last, schedule.GetNextOccurrence(now), now), "on startup", stoppingToken);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                DateTime due = schedule.GetNextOccurrence(time.GetUtcNow().UtcDateTime);
                await DelayUntilAsync(due, stoppingToken);

                now = time.GetUtcNow().UtcDateTime;
                await runner.RunAsync(function, Info(last, schedule.GetNextOccurrence(due), now), "schedule", stoppingToken);
                last = due;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task DelayUntilAsync(DateTime dueUtc, CancellationToken stoppingToken)
    {
        TimeSpan remaining;
        while ((remaining = dueUtc - time.GetUtcNow().UtcDateTime) > TimeSpan.Zero)
        {
            await Task.Delay(remaining < MaxDelay ? remaining : MaxDelay, time, stoppingToken);
        }
    }

    private static TimerInfo Info(DateTime last, DateTime next, DateTime now) => new()
    {
        ScheduleStatus = new ScheduleStatus { Last = last, Next = next, LastUpdated = now },
    };
}

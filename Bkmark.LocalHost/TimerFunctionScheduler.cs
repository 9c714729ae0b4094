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

    private readonly FunctionCatalog _catalog = catalog;
    private readonly TimerFunctionRunner _runner = runner;
    private readonly IConfiguration _configuration = configuration;
    private readonly TimeProvider _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    private readonly ILogger<TimerFunctionScheduler> _logger = logger;
    private IReadOnlyList<(TimerFunction Function, TimerSchedule Schedule)> _scheduled = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_configuration.GetValue<bool>(DisableTimersKey))
        {
            LocalHostLog.TimersDisabled(_logger, _catalog.TimerFunctions.Count);
            return Task.CompletedTask;
        }

        // Resolved here, not in ExecuteAsync, so that a missing setting stops start-up with its message
        // instead of failing later on a background thread.
        _scheduled = _catalog.TimerFunctions
            .Select(f => (f, TimerSchedule.Resolve(f.Name, f.Schedule, _configuration)))
            .ToArray();
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_scheduled.Select(s => RunOnScheduleAsync(s.Function, s.Schedule, stoppingToken)));

    private async Task RunOnScheduleAsync(TimerFunction function, TimerSchedule schedule, CancellationToken stoppingToken)
    {
        try
        {
            DateTime now = _time.GetUtcNow().UtcDateTime;
            DateTime last = default;
            LocalHostLog.TimerScheduled(_logger, function.Name, schedule.Expression, schedule.GetNextOccurrence(now));

            if (function.RunOnStartup)
            {
                await _runner.RunAsync(function, Info(last, schedule.GetNextOccurrence(now), now), "on startup", stoppingToken);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                DateTime due = schedule.GetNextOccurrence(_time.GetUtcNow().UtcDateTime);
                await DelayUntilAsync(due, stoppingToken);

                now = _time.GetUtcNow().UtcDateTime;
                await _runner.RunAsync(function, Info(last, schedule.GetNextOccurrence(due), now), "schedule", stoppingToken);
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
        while ((remaining = dueUtc - _time.GetUtcNow().UtcDateTime) > TimeSpan.Zero)
        {
            await Task.Delay(remaining < MaxDelay ? remaining : MaxDelay, _time, stoppingToken);
        }
    }

    private static TimerInfo Info(DateTime last, DateTime next, DateTime now) => new()
    {
        ScheduleStatus = new ScheduleStatus { Last = last, Next = next, LastUpdated = now },
    };
}

using NCrontab;

namespace Bkmark.LocalHost;

/// <summary>
/// A timer function's NCRONTAB schedule, with <c>%Setting%</c> names resolved from configuration as the
/// Functions host's name resolver does. Times are UTC, as in Azure (no WEBSITE_TIME_ZONE).
/// </summary>
internal sealed class TimerSchedule
{
    private readonly CrontabSchedule schedule;

    private TimerSchedule(string expression, CrontabSchedule schedule)
    {
        Expression = expression;
        this.schedule = schedule;
    }

    /// <summary>The schedule after setting names were resolved.</summary>
    public string Expression { get; }

    /// <summary>The first occurrence strictly after <paramref name="afterUtc"/>.</summary>
    public DateTime GetNextOccurrence(DateTime afterUtc) =>
        DateTime.SpecifyKind(schedule.GetNextOccurrence(DateTime.SpecifyKind(afterUtc, DateTimeKind.Unspecified)), DateTimeKind.Utc);

    /// <exception cref="InvalidOperationException">A setting is missing or the expression is not NCRONTAB.</exception>
    public static TimerSchedule Resolve(string functionName, string schedule, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(configuration);

        string expression = SettingReferences.Resolve(functionName, "schedule", schedule, configuration);

        // Functions' NCRONTAB has six fields (with seconds); five-field cron is accepted too.
        int fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
        if (fields is not (5 or 6))
        {
            throw new InvalidOperationException(
                $"Timer function '{functionName}' has schedule '{expression}', which is not an NCRONTAB expression of 5 or 6 fields " +
                "('{second} {minute} {hour} {day} {month} {day-of-week}').");
        }

        try
        {
            var parsed = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
            return new TimerSchedule(expression, parsed);
        }
        catch (CrontabException ex)
        {
            throw new InvalidOperationException(
                $"Timer function '{functionName}' has schedule '{expression}', which is not a valid NCRONTAB expression: {ex.Message}", ex);
        }
    }
}

using Bkmark.LocalHost;
using Microsoft.Extensions.Configuration;

namespace Bkmark.Tests.LocalHost;

public sealed class TimerScheduleTests
{
    private static readonly DateTime Noon = new(2026, 1, 1, 12, 7, 30, DateTimeKind.Utc);

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();

    [Fact]
    public void Resolve_UsesConfiguredSetting_WhenScheduleNamesASetting()
    {
        // Arrange
        var configuration = Configuration(("Sweep:Schedule", "0 */15 * * * *"));

        // Act
        var schedule = TimerSchedule.Resolve("Sweep", "%Sweep:Schedule%", configuration);

        // Assert
        Assert.Equal("0 */15 * * * *", schedule.Expression);
        Assert.Equal(new DateTime(2026, 1, 1, 12, 15, 0, DateTimeKind.Utc), schedule.GetNextOccurrence(Noon));
    }

    [Fact]
    public void Resolve_ReadsColonSetting_WhenNameUsesDoubleUnderscore()
    {
        // Arrange
        var configuration = Configuration(("Sweep:Schedule", "30 0 * * * *"));

        // Act
        var schedule = TimerSchedule.Resolve("Sweep", "%Sweep__Schedule%", configuration);

        // Assert
        Assert.Equal(new DateTime(2026, 1, 1, 13, 0, 30, DateTimeKind.Utc), schedule.GetNextOccurrence(Noon));
    }

    [Fact]
    public void Resolve_HonoursSeconds_WhenExpressionHasSixFields()
    {
        // Act
        var schedule = TimerSchedule.Resolve("Fast", "*/10 * * * * *", Configuration());

        // Assert
        Assert.Equal(new DateTime(2026, 1, 1, 12, 7, 40, DateTimeKind.Utc), schedule.GetNextOccurrence(Noon));
    }

    [Fact]
    public void Resolve_AcceptsFiveFieldCron_WhenExpressionHasNoSeconds()
    {
        // Act
        var schedule = TimerSchedule.Resolve("Hourly", "0 * * * *", Configuration());

        // Assert
        Assert.Equal(new DateTime(2026, 1, 1, 13, 0, 0, DateTimeKind.Utc), schedule.GetNextOccurrence(Noon));
    }

    [Fact]
    public void GetNextOccurrence_ReturnsFollowingOccurrence_WhenTimeIsExactlyAnOccurrence()
    {
        // Arrange
        var schedule = TimerSchedule.Resolve("Sweep", "0 */5 * * * *", Configuration());
        var occurrence = new DateTime(2026, 1, 1, 12, 5, 0, DateTimeKind.Utc);

        // Act
        var next = schedule.GetNextOccurrence(occurrence);

        // Assert
        Assert.Equal(occurrence.AddMinutes(5), next);
        Assert.Equal(DateTimeKind.Utc, next.Kind);
    }

    [Fact]
    public void Resolve_ThrowsNamingTheSetting_WhenSettingIsMissing()
    {
        // Act
        var error = Assert.Throws<InvalidOperationException>(() => TimerSchedule.Resolve("Sweep", "%Sweep:Schedule%", Configuration()));

        // Assert
        Assert.Contains("'Sweep:Schedule'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sweep__Schedule", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("every five minutes")]
    [InlineData("0 */5 * * *  * *")]
    [InlineData("61 * * * * *")]
    public void Resolve_Throws_WhenExpressionIsNotNcrontab(string expression)
    {
        // Act
        var error = Assert.Throws<InvalidOperationException>(() => TimerSchedule.Resolve("Sweep", expression, Configuration()));

        // Assert
        Assert.Contains("Sweep", error.Message, StringComparison.Ordinal);
    }
}

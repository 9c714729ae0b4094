namespace Bkmark.Tests.Storage;

public sealed class OptimisticConcurrencyTests
{
    [Fact]
    public async Task RunAsync_ReturnsConflict_WhenEveryAttemptLosesItsRace()
    {
        var attempts = 0;

        var result = await OptimisticConcurrency.RunAsync<string>(() =>
        {
            attempts++;
            return Task.FromResult<RaceAttempt<string>>(RaceAttempt.Lost);
        });

        Assert.Equal(OptimisticConcurrency.DefaultAttempts, attempts);
        Assert.Equal(ErrorCodes.Conflict, result.Problem?.Code);
        Assert.Equal(409, result.Problem?.Status);
    }

    [Fact]
    public async Task RunAsync_ReturnsTheValue_WhenALaterAttemptWins()
    {
        var attempts = 0;

        var result = await OptimisticConcurrency.RunAsync<string>(() =>
        {
            attempts++;
            return Task.FromResult<RaceAttempt<string>>(attempts < 3 ? RaceAttempt.Lost : "written");
        });

        Assert.Equal(3, attempts);
        Assert.Equal("written", result.Value);
    }

    [Fact]
    public async Task RunAsync_StopsAtAProblem_WithoutRetrying()
    {
        var attempts = 0;

        var result = await OptimisticConcurrency.RunAsync<string>(() =>
        {
            attempts++;
            return Task.FromResult<RaceAttempt<string>>(Problems.NotFound("The thing"));
        });

        Assert.Equal(1, attempts);
        Assert.Equal(ErrorCodes.NotFound, result.Problem?.Code);
    }

    [Fact]
    public async Task RunAsync_TriesAsOftenAsAsked_ForAHotRow()
    {
        var attempts = 0;

        await OptimisticConcurrency.RunAsync<bool>(() =>
        {
            attempts++;
            return Task.FromResult<RaceAttempt<bool>>(RaceAttempt.Lost);
        }, OptimisticConcurrency.HotRowAttempts);

        Assert.Equal(OptimisticConcurrency.HotRowAttempts, attempts);
    }
}

using Bkmark.Core.Throttling;

namespace Bkmark.Tests.Throttling;

public sealed class AttemptThrottleTests : CoreServicesTest
{
    private static readonly ThrottlePolicy Policy = new("test", 5, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));

    // §7: the lock used to be read before a guess and written after it, so 40 guesses at once were all checked.
    [Fact]
    public async Task Claim_GrantsExactlyMaxFailures_WhenFortyAttemptsRace()
    {
        // Arrange
        var throttle = Core.Get<AttemptThrottle>();

        // Act
        var claims = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            Task.Run(() => throttle.ClaimAsync(Policy, "subject", CancellationToken.None))));

        // Assert
        Assert.Equal(Policy.MaxFailures, claims.Count(c => c.RetryAfter is null));
        Assert.Equal(TimeSpan.FromMinutes(15), (await throttle.ClaimAsync(Policy, "subject", CancellationToken.None)).RetryAfter);
    }

    [Fact]
    public async Task Reset_ClearsTheLockOut_ThatClaimsInFlightStarted()
    {
        // Arrange
        var throttle = Core.Get<AttemptThrottle>();
        var claims = new List<AttemptClaim>();
        for (var i = 0; i < Policy.MaxFailures; i++)
        {
            claims.Add(await throttle.ClaimAsync(Policy, "owner", CancellationToken.None));
        }

        // Act
        await throttle.ResetAsync(claims[^1], CancellationToken.None);

        // Assert
        Assert.Null((await throttle.ClaimAsync(Policy, "owner", CancellationToken.None)).RetryAfter);
    }

    [Fact]
    public async Task Release_GivesBackAClaim_SoItDoesNotCountAsAFailure()
    {
        // Arrange
        var throttle = Core.Get<AttemptThrottle>();
        for (var i = 0; i < Policy.MaxFailures - 1; i++)
        {
            await throttle.ClaimAsync(Policy, "released", CancellationToken.None);
        }

        // Act: the last allowed claim reaches the limit, then turns out not to have been a guess.
        var last = await throttle.ClaimAsync(Policy, "released", CancellationToken.None);
        await throttle.ReleaseAsync(last, CancellationToken.None);

        // Assert
        Assert.Null((await throttle.ClaimAsync(Policy, "released", CancellationToken.None)).RetryAfter);
        Assert.NotNull((await throttle.ClaimAsync(Policy, "released", CancellationToken.None)).RetryAfter);
    }

    [Fact]
    public async Task Claim_StartsAFreshWindow_AfterTheLockOutEnds()
    {
        // Arrange
        var throttle = Core.Get<AttemptThrottle>();
        for (var i = 0; i < Policy.MaxFailures; i++)
        {
            await throttle.ClaimAsync(Policy, "later", CancellationToken.None);
        }

        // Act
        Core.Time.Advance(Policy.LockoutDuration + TimeSpan.FromSeconds(1));
        var claims = new List<AttemptClaim>();
        for (var i = 0; i <= Policy.MaxFailures; i++)
        {
            claims.Add(await throttle.ClaimAsync(Policy, "later", CancellationToken.None));
        }

        // Assert
        Assert.All(claims.Take(Policy.MaxFailures), c => Assert.Null(c.RetryAfter));
        Assert.NotNull(claims[^1].RetryAfter);
    }
}

namespace Bkmark.Tests.Lifecycle;

/// <summary>
/// DESIGN.md §14 over HTTP, with the link throttle at its default (10 links that match nothing lock an address out
/// for 15 minutes): a link throttle counts guesses only, so many uses of one real link from one address never lock
/// that address out. Its own host, since every request of a test run comes from 127.0.0.1.
/// </summary>
public sealed class LinkThrottleApiTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private const string NewPassword = "a brand new passphrase";

    // Found by the contract review: the 19 losers of a race on one reset link counted as guesses, so the next person
    // behind the same address was refused for 15 minutes.
    [Fact]
    public async Task CompleteReset_LeavesTheAddressFree_AfterTwentyUsesOfOneLinkAtOnce_AndTenMoreLater()
    {
        // Arrange
        var first = await host.Client.SignUpAsync();
        var token = await ResetTokenAsync(first.Email);

        // Act
        var answers = await Race.SendAsync(() => host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token, newPassword = NewPassword }));
        var later = new List<HttpStatusCode>();
        for (var click = 0; click < 10; click++)
        {
            // The same email's link, followed again later: each answered as spent, none counted.
            using var again = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token, newPassword = NewPassword });
            later.Add(again.StatusCode);
        }

        var next = await host.Client.SignUpAsync();
        var nextToken = await ResetTokenAsync(next.Email);
        using var nextReset = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = nextToken, newPassword = NewPassword });

        // Assert: spent once; the others found it spent (or, while up to 10 uses were in flight, waited their turn).
        Assert.Single(answers, a => a.Succeeded);
        answers.AssertEachSucceededOr(ErrorCodes.InvalidToken, ErrorCodes.TooManyAttempts);
        Assert.All(later, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.NoContent, nextReset.StatusCode);
    }

    private async Task<string> ResetTokenAsync(string email)
    {
        (await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset", new { email })).EnsureSuccessStatusCode();
        return (await MailDevInbox.WaitForEmailAsync(email, e => e.Subject.Contains("Reset", StringComparison.Ordinal))).Token;
    }
}

using System.Security.Cryptography;
using Bkmark.Core.Email;
using Bkmark.Core.Maintenance;

namespace Bkmark.Tests.Email;

/// <summary>The email host with its queue trigger off: what request paths enqueue stays on the queue, to be read raw.</summary>
public sealed class HeldEmailHostFixture : EmailHostFixture
{
    protected override bool RunsQueueTriggers => false;

    public EmailDispatcher Dispatcher => Services.GetRequiredService<EmailDispatcher>();

    /// <summary>The raw text of every message waiting on the outbox queue (a peek: nothing is taken).</summary>
    public async Task<IReadOnlyList<string>> PeekOutboxAsync() =>
        [.. (await Queue().PeekMessagesAsync(32)).Value.Select(message => message.Body.ToString())];
}

/// <summary>DESIGN §14, no raw secret at rest, queues included: a queued email's link is sealed until it is rendered.</summary>
public sealed class OutboxAtRestTests(HeldEmailHostFixture host) : IClassFixture<HeldEmailHostFixture>
{
    [Fact]
    public async Task PasswordResetEmail_OnTheQueueHoldsNoToken_AndArrivesWithALinkThatWorks()
    {
        // Arrange
        var user = await host.Client.SignUpAsync();

        // Act: ask for a reset, read the queue raw, then let the sender deliver that very message.
        using var requested = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset", new { email = user.Email });
        var queued = Assert.Single(await host.PeekOutboxAsync(), body => body.Contains(user.Email, StringComparison.Ordinal) && body.Contains("\"password-reset\"", StringComparison.Ordinal));
        await host.Dispatcher.DeliverAsync(queued, CancellationToken.None);
        var email = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject == "Reset your Bkmark password");
        using var completed = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = email.Token, newPassword = "a brand new passphrase" });

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        Assert.DoesNotContain(email.Token, queued, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(email.Token), queued, StringComparison.Ordinal);
        Assert.DoesNotContain("token=", queued, StringComparison.Ordinal);
        Assert.False(JsonDocument.Parse(queued).RootElement.GetProperty("values").TryGetProperty("link", out _));
        Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
    }

    [Fact]
    public async Task Deliver_Throws_WhenAQueuedEmailIsRedirectedToAnotherAddress()
    {
        // Arrange: someone who can write to the queue points a verification email at their own address.
        var user = await host.Client.SignUpAsync();
        using var resent = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset", new { email = user.Email });
        var queued = Assert.Single(await host.PeekOutboxAsync(), body => body.Contains(user.Email, StringComparison.Ordinal) && body.Contains("\"password-reset\"", StringComparison.Ordinal));
        var attacker = ApiTestClient.NewEmail();

        // Act
        var redirected = queued.Replace(user.Email, attacker, StringComparison.Ordinal);

        // Assert
        await Assert.ThrowsAsync<CryptographicException>(() => host.Dispatcher.DeliverAsync(redirected, CancellationToken.None));
        Assert.Empty(await MailDevInbox.ListAsync(attacker));
    }
}

/// <summary>DESIGN §14: the timer sweep deletes what sat in the outbox's poison queue for 7 days, and only that.</summary>
public sealed class PoisonQueueSweepTests(HeldEmailHostFixture host) : IClassFixture<HeldEmailHostFixture>
{
    [Fact]
    public async Task Sweep_DeletesPoisonedEmailsOlderThanSevenDays_AndKeepsNewerOnesVisible()
    {
        // Arrange: messages the queue itself timestamps; "newer" is the first one Azurite dates a second later.
        var poison = host.Queue(poison: true);
        await poison.CreateIfNotExistsAsync();
        var old = await poison.SendMessageAsync("old-" + Guid.NewGuid().ToString("N"));
        var oldIds = new List<string> { old.Value.MessageId };
        var newer = await poison.SendMessageAsync("newer-" + Guid.NewGuid().ToString("N"));
        while (newer.Value.InsertionTime <= old.Value.InsertionTime)
        {
            oldIds.Add(newer.Value.MessageId);
            await Task.Delay(100);
            newer = await poison.SendMessageAsync("newer-" + Guid.NewGuid().ToString("N"));
        }

        // Act: seven days after the old one went in; the newer one is a second short of that age.
        host.Time.SetUtcNow(old.Value.InsertionTime + TimeSpan.FromDays(7));
        var report = await host.Services.GetRequiredService<ExpirySweeper>().RunAsync(CancellationToken.None);
        var left = (await poison.PeekMessagesAsync(32)).Value;

        // Assert
        Assert.Equal(oldIds.Count, report.DeletedOf(PoisonQueueSweep.KindName));
        Assert.DoesNotContain(left, message => oldIds.Contains(message.MessageId));
        Assert.Contains(left, message => message.MessageId == newer.Value.MessageId);
    }
}

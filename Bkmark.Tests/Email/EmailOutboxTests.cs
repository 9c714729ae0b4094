namespace Bkmark.Tests.Email;

/// <summary>The outbox end to end: a message on the queue, the local host's queue trigger, MailKit, a real MailDev.</summary>
public sealed class EmailOutboxTests(EmailHostFixture host) : IClassFixture<EmailHostFixture>
{
    [Fact]
    public async Task Enqueue_ArrivesInMailDevWithTextAndHtml_WhenTheTriggerRuns()
    {
        string to = ApiTestClient.NewEmail();

        await host.Outbox.EnqueueAsync(EmailHostFixture.Message(to, body: "Ada's <b>bookmarks</b> & more"), CancellationToken.None);

        var email = await MailDevInbox.WaitForEmailAsync(to);
        Assert.Equal("Test email", email.Subject);
        Assert.Contains("Ada's <b>bookmarks</b> & more", email.Text, StringComparison.Ordinal);
        Assert.Contains("http://localhost:7071/api/settings/security#token=abc123", email.Text, StringComparison.Ordinal);
        Assert.Equal("abc123", email.Token);
        // Escaped exactly once: the tag is text, the ampersand an entity, nothing double-escaped.
        Assert.Contains("Ada&#39;s &lt;b&gt;bookmarks&lt;/b&gt; &amp; more", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("&amp;lt;", email.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"http://localhost:7071/api/settings/security\"", email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enqueue_SendsOnce_WhenTheSameIdIsEnqueuedTwice()
    {
        string to = ApiTestClient.NewEmail();
        string id = "request-" + Guid.NewGuid().ToString("N");

        // A retried request enqueues its email again with the same id.
        await host.Outbox.EnqueueAsync(EmailHostFixture.Message(to, id, subject: "first"), CancellationToken.None);
        await MailDevInbox.WaitForEmailAsync(to);
        // A message leaves the queue only after its id was recorded as sent.
        await WaitUntilQueueIsEmptyAsync();
        await host.Outbox.EnqueueAsync(EmailHostFixture.Message(to, id, subject: "second"), CancellationToken.None);
        await WaitUntilQueueIsEmptyAsync();

        var received = await MailDevInbox.ListAsync(to);
        Assert.Equal("first", Assert.Single(received).Subject);
        Assert.Contains(host.Logs.Lines, line => line.Contains("[7502]", StringComparison.Ordinal) && line.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enqueue_Throws_WhenTheMessageCouldNeverBeSent()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            host.Outbox.EnqueueAsync(EmailHostFixture.Message("not-an-address"), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            host.Outbox.EnqueueAsync(EmailHostFixture.Message(ApiTestClient.NewEmail(), id: "has spaces"), CancellationToken.None));
    }

    private async Task WaitUntilQueueIsEmptyAsync()
    {
        var queue = host.Queue();
        for (int i = 0; i < 200; i++)
        {
            var properties = await queue.GetPropertiesAsync();
            if (properties.Value.ApproximateMessagesCount == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The outbox queue did not drain.");
    }
}

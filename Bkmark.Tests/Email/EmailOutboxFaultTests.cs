using Bkmark.Tests.Infrastructure;

namespace Bkmark.Tests.Email;

/// <summary>SMTP unreachable: the outbox still takes the message, the host retries it and, after 5 tries, poisons it.</summary>
public sealed class EmailOutboxFaultTests(UnreachableSmtpHostFixture host) : IClassFixture<UnreachableSmtpHostFixture>
{
    [Fact]
    public async Task SendEmail_MovesTheMessageToThePoisonQueueAfterFiveTries_WhenSmtpIsUnreachable()
    {
        string to = ApiTestClient.NewEmail();
        string id = "fault-" + Guid.NewGuid().ToString("N");

        await host.Outbox.EnqueueAsync(EmailHostFixture.Message(to, id), CancellationToken.None);

        var poisoned = await WaitForPoisonAsync(id);
        Assert.Contains(to, poisoned, StringComparison.Ordinal);
        var failures = host.Logs.Lines.Where(line => line.Contains("[9021]", StringComparison.Ordinal)).ToArray();
        Assert.Equal(5, failures.Length);
        Assert.Empty((await host.Queue().PeekMessagesAsync(32)).Value);
        Assert.Empty(await MailDevInbox.ListAsync(to));
    }

    private async Task<string> WaitForPoisonAsync(string id)
    {
        var poison = host.Queue(poison: true);
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await poison.ExistsAsync())
            {
                var messages = (await poison.PeekMessagesAsync(32)).Value;
                if (messages.FirstOrDefault(m => m.Body.ToString().Contains(id, StringComparison.Ordinal)) is { } found)
                {
                    return found.Body.ToString();
                }
            }

            await Task.Delay(200);
        }

        var queueLog = host.Logs.Lines.Where(line => line.Contains("QueueFunctionListener", StringComparison.Ordinal) || line.Contains("EmailDispatcher", StringComparison.Ordinal));
        throw new TimeoutException($"Message {id} did not reach the poison queue within 120 s. The host logged:\n{string.Join("\n", queueLog)}");
    }
}

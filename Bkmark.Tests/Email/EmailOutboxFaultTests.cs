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

        var poisoned = Assert.Single(await host.WaitForPoisonedAsync(id, count: 1));
        Assert.Contains(to, poisoned, StringComparison.Ordinal);
        var failures = host.Logs.Lines.Where(line => line.Contains("[9021]", StringComparison.Ordinal)).ToArray();
        Assert.Equal(5, failures.Length);
        Assert.Empty((await host.Queue().PeekMessagesAsync(32)).Value);
        Assert.Empty(await MailDevInbox.ListAsync(to));
    }
}

/// <summary>The same fault seen from a request that sends email: it succeeds, and its email waits in the poison queue.</summary>
public sealed class EmailOutboxFaultRequestTests(UnreachableSmtpHostFixture host) : IClassFixture<UnreachableSmtpHostFixture>
{
    [Fact]
    public async Task SignIn_Succeeds_WhenSmtpIsUnreachable()
    {
        // Registration enqueues the verification link; its sign-in and this one come from no known device, and
        // each enqueues a new-device email.
        var user = await host.SignUpAsync();

        var signIn = await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = user.Email, password = ApiTestClient.Password });

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Equal(3, (await host.WaitForPoisonedAsync(user.Email, count: 3)).Count);
        Assert.Empty(await MailDevInbox.ListAsync(user.Email));
    }
}

using Bkmark.Core.Accounts;
using Bkmark.Core.TwoFactor;
using OtpNet;

namespace Bkmark.Tests.SecurityLog;

/// <summary>The host sending its email to the tests' MailDev, with accounts on Pro (API keys need it).</summary>
public sealed class NotificationHostFixture : LocalHostFixture
{
    protected override string DefaultPlan => Plans.Pro;
}

/// <summary>DESIGN.md §9 notifications, end to end: the action over HTTP, the outbox, the queue trigger, SMTP, MailDev.</summary>
public sealed class SecurityNotificationTests(NotificationHostFixture host) : IClassFixture<NotificationHostFixture>
{
    private const string Chrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    [Fact]
    public async Task SignIn_EmailsTheOwnerOnce_WhenTheDeviceIsNewAndNotWhenItIsKnown()
    {
        var user = await host.SignUpAsync();
        string deviceToken = user.Tokens.GetProperty("deviceToken").GetString()!;
        // Registration's own two emails first (its verification link, the new-device notice of its sign-in).
        await WaitForCountAsync(user.Email, 2);

        var known = await SendAsync(HttpMethod.Post, "api/v1/auth/login", null, new { email = user.Email, password = ApiTestClient.Password, deviceToken });
        var unknown = await SendAsync(HttpMethod.Post, "api/v1/auth/login", null, new { email = user.Email, password = ApiTestClient.Password });

        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        var emails = await WaitForCountAsync(user.Email, 3);
        var latest = emails[^1];
        Assert.Equal("New sign-in to your Bkmark account", latest.Subject);
        Assert.Contains("a device it has not seen before", latest.Text, StringComparison.Ordinal);
        Assert.Contains("IP address: 127.0.0.1", latest.Text, StringComparison.Ordinal);
        Assert.Contains("Browser: Chrome on macOS", latest.Text, StringComparison.Ordinal);
        Assert.Contains("When: ", latest.Text, StringComparison.Ordinal);
        Assert.Contains("/api/settings/security", latest.Html, StringComparison.Ordinal);
        // The sign-in with the device token sent nothing: the verification link and two new-device notices.
        await WaitUntilOutboxDrainedAsync();
        Assert.Equal(3, (await MailDevInbox.ListAsync(user.Email)).Count);
    }

    [Fact]
    public async Task CreateApiKey_EmailsTheOwner_WithTheKeysPrefixAndNeverTheKey()
    {
        var user = await host.SignUpAsync();

        var created = await SendAsync(HttpMethod.Post, "api/v1/api-keys", user.AccessToken, new { name = "notify", scopes = new[] { "bookmarks:read" } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        var email = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject == "A new API key was created for your Bkmark account");
        Assert.Contains(body.GetProperty("keyPrefix").GetString()!, email.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(body.GetProperty("key").GetString()!, email.Text, StringComparison.Ordinal);
        Assert.Contains("Browser: Chrome on macOS", email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisableTwoFactor_EmailsTheOwner()
    {
        var user = await host.SignUpAsync();
        var secret = (await (await SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", user.AccessToken)).ReadJsonAsync()).GetProperty("secret").GetString()!;
        (await SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", user.AccessToken, new { code = CodeNow(secret) })).EnsureSuccessStatusCode();
        host.Time.Advance(TimeSpan.FromSeconds(30));

        var disabled = await SendAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/disable", user.AccessToken, new { code = CodeNow(secret) });

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        var email = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject == "Two-factor authentication was turned off");
        Assert.Contains("Signing in now needs only your password.", email.Text, StringComparison.Ordinal);
        Assert.Contains("IP address: 127.0.0.1", email.Text, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<ReceivedEmail>> WaitForCountAsync(string to, int count)
    {
        var deadline = DateTimeOffset.UtcNow + MailDevInbox.DefaultTimeout;
        while (true)
        {
            var emails = await MailDevInbox.ListAsync(to);
            if (emails.Count >= count || DateTimeOffset.UtcNow > deadline)
            {
                Assert.Equal(count, emails.Count);
                return emails;
            }

            await Task.Delay(250);
        }
    }

    private async Task WaitUntilOutboxDrainedAsync()
    {
        var queue = new Azure.Storage.Queues.QueueClient(AzuriteStorage.ConnectionString, host.OutboxQueue);
        for (int i = 0; i < 300 && (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0; i++)
        {
            await Task.Delay(100);
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? bearer, object? json = null) =>
        host.SendAsync(method, path, json, bearer, Chrome);

    private string CodeNow(string secret) => TotpCalculator.Default.Compute(Base32Encoding.ToBytes(secret), host.Time.GetUtcNow());
}

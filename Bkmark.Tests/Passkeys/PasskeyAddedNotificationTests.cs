namespace Bkmark.Tests.Passkeys;

/// <summary>DESIGN.md §9: adding a passkey emails the account's owner, naming the passkey.</summary>
public sealed class PasskeyAddedNotificationTests(PasskeyHostFixture fixture) : IClassFixture<PasskeyHostFixture>
{
    [Fact]
    public async Task AddPasskey_EmailsTheOwner_NamingThePasskey()
    {
        using var authenticator = new TestAuthenticator();
        var user = await fixture.SignUpAsync();
        var start = await (await fixture.SendAsync(HttpMethod.Post, "api/v1/me/passkeys/options", bearer: user.AccessToken)).ReadJsonAsync();

        var created = await fixture.SendAsync(HttpMethod.Post, "api/v1/me/passkeys", new
        {
            challengeId = start.GetProperty("challengeId").GetString(),
            credential = authenticator.Attest(start.GetProperty("options"), fixture.Origin),
            name = "Work laptop",
        }, user.AccessToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var email = await MailDevInbox.WaitForEmailAsync(user.Email, e => e.Subject == "A passkey was added to your Bkmark account");
        Assert.Contains("A passkey named \"Work laptop\" was added", email.Text, StringComparison.Ordinal);
        Assert.Contains("IP address: 127.0.0.1", email.Text, StringComparison.Ordinal);
        Assert.Contains("&quot;Work laptop&quot;", email.Html, StringComparison.Ordinal);
    }
}

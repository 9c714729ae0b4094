using Bkmark.Tests.Social;

namespace Bkmark.Tests.OwnerWins;

/// <summary>
/// DESIGN.md §14, "the verified owner reclaims an unverified account", played by two people: the intruder registers the
/// owner's address first and does what an unverified account still may (a session, a refresh token, a password, a
/// pending change-of-email link to their own mailbox, a bookmark); the owner arrives later by reset, by social sign-in
/// or by registration, and afterwards the intruder holds nothing.
/// </summary>
public sealed class AccountReclaimTests(SocialHostFixture host) : IClassFixture<SocialHostFixture>
{
    private const string OwnerPassword = "the owner's own password";

    [Fact]
    public async Task PasswordReset_ReclaimsAnUnverifiedAccount_AndTheIntruderHoldsNothing()
    {
        var intruder = await IntruderRegistersAsync();

        await host.Client.PostAsJsonAsync("api/v1/auth/password-reset", new { email = intruder.VictimEmail });
        var link = await MailDevInbox.WaitForEmailAsync(intruder.VictimEmail, e => e.Subject == "Reset your Bkmark password");
        var reset = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = link.Token, newPassword = OwnerPassword });

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        await AssertIntruderHoldsNothingAsync(intruder);
        var owner = await SignInAsync(intruder.VictimEmail, OwnerPassword);
        await AssertOwnerHoldsTheAccountAsync(intruder, owner);
        await MailDevInbox.WaitForEmailAsync(intruder.VictimEmail, e => e.Subject == "Your Bkmark account was secured" && e.Text.Contains("password reset", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SocialSignIn_ReclaimsAnUnverifiedAccount_RemovingThePasswordTheOwnerDidNotSet()
    {
        var intruder = await IntruderRegistersAsync();
        using var browser = host.NewBrowser();

        var tokens = await browser.SignInAsync(intruder.VictimEmail);

        var owner = tokens.GetProperty("accessToken").GetString()!;
        await AssertIntruderHoldsNothingAsync(intruder);
        await AssertOwnerHoldsTheAccountAsync(intruder, owner);
        Assert.Single((await host.GetJsonAsync(owner, "api/v1/me/social-accounts")).GetProperty("data").EnumerateArray());
        var events = (await host.GetJsonAsync(owner, "api/v1/me/security-events")).GetProperty("data").EnumerateArray();
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "account.reclaimed");
    }

    [Fact]
    public async Task Registration_OfAnExistingAddress_AnswersEmailTakenAndMailsTheOwnerAResetLinkThatReclaims()
    {
        var intruder = await IntruderRegistersAsync();

        var registration = await host.SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email = intruder.VictimEmail, password = OwnerPassword });
        var mail = await MailDevInbox.WaitForEmailAsync(intruder.VictimEmail, e => e.Subject == "Someone tried to sign up to Bkmark with this address");
        var reset = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = mail.Token, newPassword = OwnerPassword });

        await registration.AssertProblemAsync(HttpStatusCode.Conflict, ErrorCodes.EmailTaken);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        await AssertIntruderHoldsNothingAsync(intruder);
        await AssertOwnerHoldsTheAccountAsync(intruder, await SignInAsync(intruder.VictimEmail, OwnerPassword));
    }

    [Fact]
    public async Task PasswordReset_OfAVerifiedAccount_IsNoReclaim_AndStillAsksForTheSecondFactor()
    {
        // The owner's own confirmed account keeps its factors: only an unconfirmed one is reclaimed.
        var owner = await host.SignUpAsync();
        var secret = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: owner.AccessToken)).GetProperty("secret").GetString()!;
        await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = Totp(secret) }, owner.AccessToken);

        await host.Client.PostAsJsonAsync("api/v1/auth/password-reset", new { email = owner.Email });
        var link = await MailDevInbox.WaitForEmailAsync(owner.Email, e => e.Subject == "Reset your Bkmark password");
        var reset = await host.SendAsync(HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = link.Token, newPassword = OwnerPassword });

        await reset.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TwoFactorRequired);
    }

    [Fact]
    public async Task Reclaim_HappensOnce_UnderConcurrentResetsWithTwoLinks()
    {
        // Arrange: two reset links for one unverified account.
        var intruder = await IntruderRegistersAsync();
        await host.Client.PostAsJsonAsync("api/v1/auth/password-reset", new { email = intruder.VictimEmail });
        await host.Client.PostAsJsonAsync("api/v1/auth/password-reset", new { email = intruder.VictimEmail });
        var links = await WaitForLinksAsync(intruder.VictimEmail, "Reset your Bkmark password", 2);

        // Act: each link raced from many requests at once.
        var answers = await Race.SendAsync(() => host.SendAsync(
            HttpMethod.Post, "api/v1/auth/password-reset/complete", new { token = links[Random.Shared.Next(2)], newPassword = OwnerPassword }));

        // Assert: one reclaim; the other link died with it (a new stamp), or lost the race.
        Assert.Single(answers, a => a.Succeeded);
        answers.AssertEachSucceededOr(ErrorCodes.InvalidToken, ErrorCodes.Conflict, ErrorCodes.TooManyAttempts);
        await AssertIntruderHoldsNothingAsync(intruder);
        var reclaims = (await host.GetJsonAsync(await SignInAsync(intruder.VictimEmail, OwnerPassword), "api/v1/me/security-events"))
            .GetProperty("data").EnumerateArray().Count(e => e.GetProperty("type").GetString() == "account.reclaimed");
        Assert.Equal(1, reclaims);
    }

    /// <summary>What the intruder holds after registering the victim's address and using what an unverified account may.</summary>
    private sealed record Intruder(string VictimEmail, string AccessToken, string RefreshToken, string EmailChangeToken, string BookmarkId);

    private async Task<Intruder> IntruderRegistersAsync()
    {
        var victimEmail = ApiTestClient.NewEmail();
        await host.Client.RegisterAsync(victimEmail);
        var tokens = await host.Client.LoginAsync(victimEmail);
        var access = tokens.GetProperty("accessToken").GetString()!;
        var bookmark = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://example.com/kept" }, access, HttpStatusCode.Created);

        // A change of email to the intruder's own mailbox, left pending to complete after the owner has come back.
        var intruderMailbox = ApiTestClient.NewEmail();
        Assert.Equal(HttpStatusCode.Accepted, (await host.SendAsync(HttpMethod.Post, "api/v1/me/email", new { newEmail = intruderMailbox, password = ApiTestClient.Password }, access)).StatusCode);
        var change = await MailDevInbox.WaitForEmailAsync(intruderMailbox);
        return new Intruder(victimEmail, access, tokens.GetProperty("refreshToken").GetString()!, change.Token, bookmark.GetProperty("id").GetString()!);
    }

    private async Task AssertIntruderHoldsNothingAsync(Intruder intruder)
    {
        await (await host.SendAsync(HttpMethod.Get, "api/v1/me", bearer: intruder.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/refresh", new { refreshToken = intruder.RefreshToken }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = intruder.VictimEmail, password = ApiTestClient.Password }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials);
        await (await host.SendAsync(HttpMethod.Post, "api/v1/auth/email/confirm-change", new { token = intruder.EmailChangeToken }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidToken);
    }

    private async Task AssertOwnerHoldsTheAccountAsync(Intruder intruder, string ownerAccess)
    {
        var me = await host.GetJsonAsync(ownerAccess, "api/v1/me");
        Assert.Equal(intruder.VictimEmail, me.GetProperty("email").GetString());
        Assert.True(me.GetProperty("emailVerified").GetBoolean());
        Assert.Single((await host.GetJsonAsync(ownerAccess, "api/v1/me/sessions")).GetProperty("data").EnumerateArray());
        // The library stays: the unverified account may have been the owner's own.
        await host.GetJsonAsync(ownerAccess, $"api/v1/bookmarks/{intruder.BookmarkId}");
    }

    private async Task<string> SignInAsync(string email, string password)
    {
        var tokens = await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/login", new { email, password });
        return tokens.GetProperty("accessToken").GetString()!;
    }

    private static async Task<string[]> WaitForLinksAsync(string to, string subject, int count)
    {
        await MailDevInbox.WaitForEmailAsync(to, _ => true);
        var deadline = DateTimeOffset.UtcNow + MailDevInbox.DefaultTimeout;
        while (true)
        {
            var links = (await MailDevInbox.ListAsync(to)).Where(e => e.Subject == subject).Select(e => e.Token).ToArray();
            if (links.Length >= count || DateTimeOffset.UtcNow >= deadline)
            {
                Assert.Equal(count, links.Length);
                return links;
            }

            await Task.Delay(250);
        }
    }

    private string Totp(string secret) =>
        Bkmark.Core.TwoFactor.TotpCalculator.Default.Compute(OtpNet.Base32Encoding.ToBytes(secret), host.Time.GetUtcNow());
}

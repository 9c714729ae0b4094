using System.Text.RegularExpressions;
using Bkmark.Core.Accounts;
using Microsoft.Playwright;
using OtpNet;

namespace Bkmark.Tests.Passkeys;

/// <summary>
/// Settings → Security in a real browser: Debian's Chromium (headless) driven by Playwright, with Chrome's
/// CDP virtual authenticator standing in for a platform passkey. The page is loaded from
/// <c>http://localhost:port</c>, a secure context, as WebAuthn requires.
/// </summary>
public sealed partial class SecurityPageBrowserTests(PasskeyHostFixture fixture) : BrowserTest, IClassFixture<PasskeyHostFixture>
{
    [Fact]
    public async Task SecurityPage_SignsInWithPasskey_AndRevokesOtherSession()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        // A browser without conditional mediation: no autofill, no error, the button signs in.
        var page = await OpenPageWithAuthenticatorAsync(conditionalMediation: false);

        // A person creates an account and signs in with the password.
        await page.Locator("#register-email").FillAsync(email);
        await page.Locator("#register-password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Account created");
        // Confirms the address with the emailed link: an unconfirmed account cannot add a passkey (DESIGN.md §14).
        var verification = await MailDevInbox.WaitForEmailAsync(email, e => e.Text.Contains("token=", StringComparison.Ordinal));
        using (var verified = await fixture.Client.SendAsync(HttpMethod.Post, "api/v1/auth/email/verify", new { token = verification.Token }))
        {
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        }

        await SignInWithPasswordAsync(page, email);

        // Adds a passkey, named after the browser.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Assertions.Expect(page.Locator("#passkey-list")).ToContainTextAsync("Chrome on Linux");

        // Signs out, and back in with the passkey alone.
        await page.Locator("#sign-out").ClickAsync();
        await Assertions.Expect(page.Locator("#signed-out")).ToBeVisibleAsync();
        var otherDevice = await SignInElsewhereAsync(email);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Signed out.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Assertions.Expect(page.Locator("#account-email")).ToHaveTextAsync(email);

        // Sees this device and the other one, and signs the other one out.
        var sessions = page.Locator("#session-list > li");
        await Assertions.Expect(sessions).ToHaveCountAsync(2);
        await Assertions.Expect(sessions.Filter(new() { HasText = "This device" })).ToContainTextAsync("passkey");
        await sessions.Filter(new() { HasNotText = "This device" }).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(sessions).ToHaveCountAsync(1);

        await SaveScreenshotAsync(page, "security-page.png");
        using var stale = await fixture.SendAsync(HttpMethod.Get, "api/v1/me", bearer: otherDevice);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
    }

    [Fact]
    public async Task SecurityPage_RefreshesFromHttpOnlyCookie_WhenReloaded()
    {
        var email = await RegisterAsync();
        var page = await OpenPageWithAuthenticatorAsync();
        await SignInWithPasswordAsync(page, email);

        await page.ReloadAsync();
        await page.Locator("body[data-ready=true]").WaitForAsync();

        await Assertions.Expect(page.Locator("#account-email")).ToHaveTextAsync(email);
        // The refresh token never reaches script.
        Assert.Equal("", await page.EvaluateAsync<string>("document.cookie"));
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "bkmark_refresh");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
    }

    [Fact]
    public async Task SecurityPage_EnablesTotpFromQrSecret_AndShowsBackupCodesOnce()
    {
        var email = await RegisterAsync();
        var page = await OpenPageWithAuthenticatorAsync();
        await SignInWithPasswordAsync(page, email);

        // The manual key under the QR code feeds the authenticator app (here Otp.NET).
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up an authenticator app" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" })).ToBeVisibleAsync();
        var secret = await page.Locator("#two-factor-secret").InnerTextAsync();
        await page.GetByLabel("Code from the app", new() { Exact = true }).FillAsync(new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(fixture.Time.GetUtcNow().UtcDateTime));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and turn on" }).ClickAsync();

        await Assertions.Expect(page.Locator("#backup-code-list > li")).ToHaveCountAsync(8);
        await Assertions.Expect(page.Locator("#two-factor-state")).ToContainTextAsync("On since");
        await SaveScreenshotAsync(page, "security-page-two-factor.png");

        // The codes can be copied and downloaded as a text file, each on its own line.
        var codes = await page.Locator("#backup-code-list > li").AllInnerTextsAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy codes" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Backup codes copied");
        var copied = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download as a text file" }).ClickAsync());
        var downloaded = await File.ReadAllTextAsync(await download.PathAsync());

        Assert.Equal("bkmark-backup-codes.txt", download.SuggestedFilename);
        foreach (var text in new[] { copied, downloaded })
        {
            Assert.All(codes, code => Assert.Contains("\n" + code + "\n", text, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SecurityPage_RollsAKey_CopiesTheNewValue_AndRevokesTheKeyByTypingItsName()
    {
        var user = await fixture.SignUpAsync(Plans.Pro);
        var created = await (await fixture.SendAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "deploy bot", scopes = new[] { "bookmarks:read" } }, user.AccessToken)).ReadJsonAsync();
        var oldKey = created.GetProperty("key").GetString()!;
        var page = await OpenPageWithAuthenticatorAsync();
        await SignInWithPasswordAsync(page, user.Email);
        var item = page.Locator("#api-key-list > li").Filter(new() { HasText = "deploy bot" });
        await Assertions.Expect(item).ToContainTextAsync("bookmarks:read · 60 requests/minute · no expiry · never used");
        await Assertions.Expect(page.Locator("#billing-keys")).ToHaveTextAsync("1 of 10 in use");

        // Roll, keeping the old value working for an hour, and copy the new value shown once.
        await item.GetByRole(AriaRole.Button, new() { Name = "Roll API key deploy bot" }).ClickAsync();
        await page.GetByLabel("Roll \"deploy bot\"", new() { Exact = false }).SelectOptionAsync("3600");
        await page.GetByRole(AriaRole.Button, new() { Name = "Roll key" }).ClickAsync();
        await Assertions.Expect(page.Locator("#api-key-value")).ToHaveTextAsync(new Regex("^bk_[0-9a-f]{32}$"));
        await page.Locator("#api-key-copy").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("API key copied");
        var newKey = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        await Assertions.Expect(item).ToContainTextAsync(newKey[..11] + "…");
        await Assertions.Expect(item).ToContainTextAsync("previous value works until");
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: newKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: oldKey)).StatusCode);

        // Revoking asks for the name: the button stays off until it is typed exactly.
        await item.GetByRole(AriaRole.Button, new() { Name = "Revoke API key deploy bot" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Revoke API key" });
        var confirm = dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke this key" });
        await dialog.GetByLabel("Key name").FillAsync("deploy");
        await Assertions.Expect(confirm).ToBeDisabledAsync();
        await dialog.GetByLabel("Key name").FillAsync("deploy bot");
        await confirm.ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("API key revoked");
        await Assertions.Expect(page.Locator("#api-key-list")).ToHaveTextAsync("No API keys.");
        await Assertions.Expect(page.Locator("#billing-keys")).ToHaveTextAsync("0 of 10 in use");
        await SaveScreenshotAsync(page, "security-page-api-key-roll.png");
        foreach (var key in new[] { oldKey, newKey })
        {
            await (await fixture.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
        }
    }

    [Fact]
    public async Task SecurityPage_ShowsNewApiKeyOnce_ThenOnlyItsPrefix()
    {
        var email = (await fixture.SignUpAsync(Plans.Pro)).Email;
        var page = await OpenPageWithAuthenticatorAsync();
        await SignInWithPasswordAsync(page, email);

        await page.Locator("#api-key-name").FillAsync("CI export");
        await page.GetByLabel("export", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
        await Assertions.Expect(page.Locator("#api-key-value")).ToHaveTextAsync(new Regex("^bk_[0-9a-f]{32}$"));
        var key = await page.Locator("#api-key-value").InnerTextAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        await Assertions.Expect(page.Locator("#api-key-created")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#api-key-list")).ToContainTextAsync(key[..11]);
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);
        await SaveScreenshotAsync(page, "security-page-api-keys.png");
    }

    [Fact]
    public async Task SecurityPage_CreatesATestKey_AndAPublishableKeyShownInFullForAPublicGroup()
    {
        var user = await fixture.SignUpAsync(Plans.Pro);
        var group = await (await fixture.SendAsync(HttpMethod.Post, "api/v1/groups", new { name = "Reading list" }, user.AccessToken)).ReadJsonAsync();
        var groupId = group.GetProperty("id").GetString()!;
        var page = await OpenPageWithAuthenticatorAsync();
        await SignInWithPasswordAsync(page, user.Email);

        await page.Locator("#api-key-name").FillAsync("CI sandbox");
        await page.Locator("#api-key-env-test").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
        await Assertions.Expect(page.Locator("#api-key-value")).ToHaveTextAsync(new Regex("^bk_test_[0-9a-f]{32}$"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.Locator("#api-key-list")).ToContainTextAsync("test (sandbox)");

        await page.Locator($"#pub-public-{groupId}").CheckAsync();
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("is now public");
        await page.Locator("#publishable-key-name").FillAsync("Blog");
        await page.Locator($"#pub-group-{groupId}").CheckAsync();
        await page.Locator("#publishable-key-origins").FillAsync("https://blog.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create publishable key" }).ClickAsync();

        await Assertions.Expect(page.Locator("#publishable-key-list")).ToContainTextAsync(new Regex("bk_pub_[0-9a-f]{32}"));
        await Assertions.Expect(page.Locator("#publishable-key-list")).ToContainTextAsync("origins https://blog.example · groups Reading list");
        var stored = await (await fixture.SendAsync(HttpMethod.Get, $"api/v1/groups/{groupId}", bearer: user.AccessToken)).ReadJsonAsync();
        Assert.True(stored.GetProperty("public").GetBoolean());
        await SaveScreenshotAsync(page, "security-page-publishable-keys.png");
    }

    [Fact]
    public async Task SecurityPage_AsksToReauthenticate_BeforeAddingAPasskeyOnAnOldSignIn_AndShowsItsEvent()
    {
        var email = await RegisterAsync();
        var page = await OpenPageWithAuthenticatorAsync();
        await SignInWithPasswordAsync(page, email);
        fixture.Time.Advance(TimeSpan.FromMinutes(11));

        // Adding a passkey on an 11-minute-old sign-in: the page asks the person to confirm it's them first.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Confirm it's you" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Password").FillAsync(Password);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        // Then the addition goes ahead on its own, and the activity panel shows it with where and what from.
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#passkey-list")).ToContainTextAsync("Chrome on Linux");
        var activity = page.Locator("#activity-list > li");
        var added = activity.Filter(new() { HasText = "Passkey added" });
        await Assertions.Expect(added).ToHaveCountAsync(1);
        await Assertions.Expect(added).ToContainTextAsync("\"Chrome on Linux\"");
        // The page is on localhost, which the browser may reach over IPv6.
        await Assertions.Expect(added).ToContainTextAsync(new Regex(@"· (127\.0\.0\.1|::1) · Chrome on Linux"));
        await Assertions.Expect(activity.Filter(new() { HasText = "Confirmed it's you" })).ToHaveCountAsync(1);
        await SaveScreenshotAsync(page, "security-page-activity.png");
    }

    [Fact]
    public async Task SecurityPage_SignsInByPasskeyAutofill_FromTheEmailFieldsConditionalRequest()
    {
        var email = await RegisterAsync();
        var page = await OpenPageWithAuthenticatorAsync();
        await SignInWithPasswordAsync(page, email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Assertions.Expect(page.Locator("#passkey-list")).ToContainTextAsync("Chrome on Linux");

        // Signed out, the email field's conditional request offers the passkey; the virtual authenticator picks it
        // as a person would from the autofill list. No button is pressed.
        await page.Locator("#sign-out").ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Signed in with a passkey.");
        await Assertions.Expect(page.Locator("#account-email")).ToHaveTextAsync(email);
        await Assertions.Expect(page.Locator("#session-list > li").Filter(new() { HasText = "This device" })).ToContainTextAsync("signed in with passkey");
        Assert.Contains("conditional", await page.EvaluateAsync<string[]>("window.credentialMediations"));
        Assert.Equal("username webauthn", await page.Locator("#sign-in-email").GetAttributeAsync("autocomplete"));
    }

    [Fact]
    public async Task SecurityPage_FinishesAPasswordSignInWithASecurityKey_WhenTwoFactorIsOn()
    {
        var user = await fixture.SignUpAsync();
        var page = await OpenPageWithAuthenticatorAsync(securityKey: true);
        await SignInWithPasswordAsync(page, user.Email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a security key (second step only)" }).ClickAsync();
        await Assertions.Expect(page.Locator("#passkey-list")).ToContainTextAsync("Security key, second step only");
        var setup = await fixture.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: user.AccessToken);
        await fixture.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable",
            new { code = new Totp(Base32Encoding.ToBytes(setup.GetProperty("secret").GetString()!)).ComputeTotp(fixture.Time.GetUtcNow().UtcDateTime) }, user.AccessToken);
        await page.Locator("#sign-out").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Signed out.");

        // The password is right; the page asks for the second step and offers the key.
        await page.Locator("#sign-in-email").FillAsync(user.Email);
        await page.Locator("#sign-in-password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Use a passkey or security key instead" }).ClickAsync();

        await Assertions.Expect(page.Locator("#account-email")).ToHaveTextAsync(user.Email);
        await Assertions.Expect(page.Locator("#session-list > li").Filter(new() { HasText = "This device" })).ToContainTextAsync("signed in with password+webauthn");
        await SaveScreenshotAsync(page, "security-page-security-key.png");
    }

    [Fact]
    public async Task SecurityPage_ShowsTheBreachBanner_WhenThePasswordIsInTheRange_AndRatesANewPasswordWhileTyping()
    {
        // A password of this test's own: the range server is shared by every test of the run.
        var email = NewEmail();
        var password = Bkmark.Tests.Passwords.PasswordPolicyTests.StrongPassword();
        (await fixture.SendAsync(HttpMethod.Post, "api/v1/auth/register", new { email, password })).EnsureSuccessStatusCode();
        (await PwnedPasswordsRange.SharedAsync()).MarkBreached(password);
        var page = await OpenPageWithAuthenticatorAsync();

        await page.Locator("#sign-in-email").FillAsync(email);
        await page.Locator("#sign-in-password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Change your password" })).ToBeVisibleAsync();
        await page.Locator("#password-new").FillAsync("qwertyuiop");
        await Assertions.Expect(page.Locator("#password-new-strength")).ToContainTextAsync("This is a top-100 common password.");
        await page.Locator("#password-new").FillAsync("quartz lantern marmalade");
        await Assertions.Expect(page.Locator("#password-new-strength")).ToContainTextAsync("Strength: Very strong.");
        await SaveScreenshotAsync(page, "security-page-breached-password.png");
    }

    private async Task<IPage> OpenPageWithAuthenticatorAsync(bool securityKey = false, bool conditionalMediation = true)
    {
        // A fresh context per test: its own cookies, its own virtual authenticator; the clipboard as a person's
        // browser grants it to the page they use, so copy buttons can be checked.
        var context = await NewContextAsync(new() { Permissions = ["clipboard-read", "clipboard-write"], AcceptDownloads = true });
        var page = await context.NewPageAsync();
        // Records how the page asks for credentials; without conditional mediation, the browser says so and has none.
        await page.AddInitScriptAsync(conditionalMediation
            ? "window.credentialMediations = []; const get = navigator.credentials.get.bind(navigator.credentials);"
              + "navigator.credentials.get = (options) => { window.credentialMediations.push(options?.mediation ?? 'optional'); return get(options); };"
            : "PublicKeyCredential.isConditionalMediationAvailable = async () => false;");
        // A platform authenticator that holds discoverable credentials and verifies the user (like Touch ID).
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = securityKey
                // A USB security key without a PIN that stores no credentials: the second step only.
                ? new Dictionary<string, object>
                {
                    ["protocol"] = "ctap2",
                    ["transport"] = "usb",
                    ["hasResidentKey"] = false,
                    ["hasUserVerification"] = false,
                    ["automaticPresenceSimulation"] = true,
                }
                : new Dictionary<string, object>
                {
                    ["protocol"] = "ctap2",
                    ["transport"] = "internal",
                    ["hasResidentKey"] = true,
                    ["hasUserVerification"] = true,
                    ["isUserVerified"] = true,
                    ["automaticPresenceSimulation"] = true,
                },
        });

        await page.GotoAsync($"{fixture.Origin}/api/settings/security");
        await page.Locator("body[data-ready=true]").WaitForAsync();
        return page;
    }

    [Fact]
    public async Task SecurityPage_ResetsAForgottenPassword_FromTheEmailedLink_ThenSignsInWithTheNewOne()
    {
        var email = await RegisterAsync();
        const string newPassword = "a brand new passphrase";
        var page = await OpenPageWithAuthenticatorAsync();

        // "Forgot password?" on the sign-in form asks for a link.
        await page.GetByRole(AriaRole.Button, new() { Name = "Forgot password?" }).ClickAsync();
        await page.Locator("#forgot-email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Email me a reset link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("reset link is on its way");

        // The link in the email (read from MailDev) opens the page in a new tab, which takes the token out of the address bar.
        var sent = await MailDevInbox.WaitForEmailAsync(email, e => e.Subject.Contains("Reset your Bkmark password", StringComparison.Ordinal));
        var link = ResetLink().Match(sent.Text).Value;
        Assert.StartsWith($"{fixture.Origin}/api/settings/security#", link, StringComparison.Ordinal);
        page = await page.Context.NewPageAsync();
        await page.GotoAsync(link);
        await page.Locator("body[data-ready=true]").WaitForAsync();
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);

        await page.Locator("#reset-password").FillAsync(newPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Password changed");

        // Signs in with the new password; the address is confirmed, so the page asks for nothing more.
        await page.Locator("#sign-in-email").FillAsync(email);
        await page.Locator("#sign-in-password").FillAsync(newPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#account-email")).ToHaveTextAsync(email);
        await Assertions.Expect(page.Locator("#account-unverified")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#verify-banner")).ToBeHiddenAsync();
        // After a reset the page opens what was added lately: whoever had the old password may have left a way back in.
        await page.Locator("#security-review[data-opened=true]").WaitForAsync();
        await SaveScreenshotAsync(page, "security-page-password-reset.png");
    }

    [Fact]
    public async Task SecurityPage_OpensRecentlyAddedFromThePasswordEmail_WithTheIntrudersKey_AndRemovesIt()
    {
        // An intruder with the password signs in from another address and browser and leaves an API key behind.
        var owner = await fixture.SignUpAsync(Plans.Pro);
        using var intruder = LoopbackPeers.ClientFrom(LoopbackPeers.Intruder, fixture.BaseAddress);
        intruder.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
        var intruderToken = (await intruder.LoginAsync(owner.Email)).GetProperty("accessToken").GetString()!;
        await intruder.SendForJsonAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "backup", scopes = new[] { "bookmarks:read" } }, intruderToken, HttpStatusCode.Created);

        // The owner changes the password; the notice links to the review.
        const string newPassword = "a brand new passphrase";
        using (var changed = await fixture.SendAsync(HttpMethod.Post, "api/v1/me/password", new { currentPassword = Password, newPassword }, owner.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        }

        var sent = await MailDevInbox.WaitForEmailAsync(owner.Email, e => e.Subject.Contains("password was changed", StringComparison.Ordinal));
        var link = ReviewLink().Match(sent.Text).Value;
        Assert.Equal($"{fixture.Origin}/api/settings/security#security-review", link);

        // Following it and signing in opens the panel, which names the key with the intruder's address and browser.
        var page = await OpenPageWithAuthenticatorAsync();
        await page.GotoAsync(link);
        await page.Locator("body[data-ready=true]").WaitForAsync();
        await page.Locator("#sign-in-email").FillAsync(owner.Email);
        await page.Locator("#sign-in-password").FillAsync(newPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.Locator("#security-review[data-opened=true]").WaitForAsync();
        var item = page.Locator("#security-review-list > li").Filter(new() { HasText = "API key: backup" });
        await Assertions.Expect(item).ToContainTextAsync($"{LoopbackPeers.Intruder} · Firefox on Linux");
        await Assertions.Expect(page.Locator("#security-review-heading")).ToBeFocusedAsync();
        await SaveScreenshotAsync(page, "security-page-security-review.png");

        // Its remove button removes it: gone from the review and from the keys, and the key no longer exists.
        await item.GetByRole(AriaRole.Button, new() { Name = "Remove api key backup", Exact = false }).ClickAsync();
        await page.Locator("#confirm-dialog").GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(page.Locator("#security-review-list")).ToHaveTextAsync("Nothing was added in the last 30 days.");
        await Assertions.Expect(page.Locator("#api-key-list")).Not.ToContainTextAsync("backup");
        var ownerToken = (await fixture.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/login", new { email = owner.Email, password = newPassword }))
            .GetProperty("accessToken").GetString()!;
        Assert.Empty((await fixture.GetJsonAsync(ownerToken, "api/v1/api-keys")).GetProperty("data").EnumerateArray());
    }

    private static async Task SignInWithPasswordAsync(IPage page, string email)
    {
        await page.Locator("#sign-in-email").FillAsync(email);
        await page.Locator("#sign-in-password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#account-email")).ToHaveTextAsync(email);
    }

    /// <summary>A new account whose address is confirmed (an unconfirmed one may not add a passkey).</summary>
    private async Task<string> RegisterAsync() => (await fixture.Client.RegisterVerifiedAsync()).Email;

    /// <returns>The access token of a session on "another device".</returns>
    private async Task<string> SignInElsewhereAsync(string email) =>
        (await fixture.Client.LoginAsync(email)).GetProperty("accessToken").GetString()!;

    /// <summary>Saves to test-output/ under the repository root (next to Bkmark.sln).</summary>
    private static async Task SaveScreenshotAsync(IPage page, string fileName)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Bkmark.sln")))
        {
            root = root.Parent;
        }

        var directory = Path.Combine(root?.FullName ?? AppContext.BaseDirectory, "test-output");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, fileName), FullPage = true });
    }

    [GeneratedRegex(@"http\S+#action=reset-password&token=[A-Za-z0-9_%-]+")]
    private static partial Regex ResetLink();

    [GeneratedRegex(@"http\S+#security-review")]
    private static partial Regex ReviewLink();
}

using Microsoft.Playwright;
using OtpNet;

namespace Bkmark.Tests.Passkeys;

/// <summary>DESIGN §14 on the page: a person who lost the phone with their authenticator app replaces it with a backup code alone.</summary>
public sealed partial class SecurityPageBrowserTests
{
    [Fact]
    public async Task SecurityPage_ReplacesALostAuthenticator_WithOnlyBackupCodes()
    {
        // Arrange: two-factor is on; the app is gone, the password and the backup codes are what the person has.
        var user = await fixture.SignUpAsync();
        var oldSecret = (await fixture.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", null, user.AccessToken)).GetProperty("secret").GetString()!;
        var backupCodes = (await fixture.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/enable", new { code = CodeNow(oldSecret) }, user.AccessToken))
            .GetProperty("backupCodes").EnumerateArray().Select(code => code.GetString()!).ToArray();
        var page = await OpenPageWithAuthenticatorAsync();

        // Signs in with the password and a backup code.
        await page.Locator("#sign-in-email").FillAsync(user.Email);
        await page.Locator("#sign-in-password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#two-factor-step")).ToBeVisibleAsync();
        await page.Locator("#sign-in-code").FillAsync(backupCodes[0]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#account-email")).ToHaveTextAsync(user.Email);
        fixture.Time.Advance(TimeSpan.FromMinutes(11));

        // "Lost your phone?": the page asks to confirm with the password and another backup code, then shows the new app's key.
        await page.GetByRole(AriaRole.Button, new() { Name = "Lost your phone? Replace authenticator" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Confirm it's you" });
        await Assertions.Expect(dialog).ToContainTextAsync("one of your backup codes");
        await dialog.GetByLabel("Password").FillAsync(Password);
        await dialog.GetByLabel("Authentication code").FillAsync(backupCodes[1]);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#two-factor-replacing")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#two-factor-secret")).Not.ToHaveTextAsync(oldSecret);
        var newSecret = await page.Locator("#two-factor-secret").InnerTextAsync();

        // A code from the new app turns it on in place of the old one, with a new set of backup codes.
        await page.GetByLabel("Code from the app", new() { Exact = true }).FillAsync(CodeNow(newSecret));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify and turn on" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("replaced the old one");
        await Assertions.Expect(page.Locator("#backup-code-list > li")).ToHaveCountAsync(8);
        await Assertions.Expect(page.Locator("#two-factor-state")).ToContainTextAsync("Backup codes left: 8");
        await SaveScreenshotAsync(page, "security-page-lost-phone.png");

        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        using var oldApp = await fixture.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = user.Email, password = Password, twoFactorCode = CodeNow(oldSecret) });
        using var newApp = await fixture.SendAsync(HttpMethod.Post, "api/v1/auth/login", new { email = user.Email, password = Password, twoFactorCode = CodeNow(newSecret) });
        await oldApp.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidTwoFactorCode);
        Assert.Equal(HttpStatusCode.OK, newApp.StatusCode);
    }

    private string CodeNow(string secret) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(fixture.Time.GetUtcNow().UtcDateTime);
}

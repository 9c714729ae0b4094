using Bkmark.Core.Accounts;
using Microsoft.Playwright;

namespace Bkmark.Tests.Passkeys;

/// <summary>
/// Settings → Security looked at in headless Chromium: each API key's 30-day usage chart, the sticky section navigation,
/// and, at a desktop (1280 px) and a phone (390 px) width, no visible control that overlaps another or reaches past the
/// viewport's edge (the Environment radio buttons once stretched across the row and off a phone's screen).
/// </summary>
public sealed class SecurityPageLayoutTests(PasskeyHostFixture fixture) : BrowserTest, IClassFixture<PasskeyHostFixture>
{
    /// <summary>Every visible control's box, with the boxes that overlap another (not one inside the other, as a radio in its label) or leave the viewport's width.</summary>
    private const string FindLayoutFaults = """
        () => {
          // At the top, where the sticky navigation is in the flow: scrolled, it floats over the panels by design.
          window.scrollTo(0, 0);
          const controls = [...document.querySelectorAll("#signed-in button, #signed-in input, #signed-in select, #signed-in a, #signed-in label, #signed-in svg")]
            .filter((node) => node.checkVisibility() && node.getBoundingClientRect().width > 0 && node.getBoundingClientRect().height > 0);
          const faults = [];
          const name = (node) => `${node.tagName.toLowerCase()}${node.id ? "#" + node.id : ""} "${(node.textContent || node.value || node.getAttribute("aria-label") || "").trim().slice(0, 30)}"`;
          for (const node of controls) {
            const box = node.getBoundingClientRect();
            if (box.left < -0.5 || box.right > document.documentElement.clientWidth + 0.5) faults.push(`${name(node)} leaves the viewport (${Math.round(box.left)}..${Math.round(box.right)})`);
          }
          for (let i = 0; i < controls.length; i++) {
            for (let j = i + 1; j < controls.length; j++) {
              const a = controls[i], b = controls[j];
              if (a.contains(b) || b.contains(a)) continue;
              const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
              const overlapX = Math.min(p.right, q.right) - Math.max(p.left, q.left), overlapY = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
              if (overlapX > 1 && overlapY > 1) faults.push(`${name(a)} overlaps ${name(b)}`);
            }
          }
          return faults;
        }
        """;

    [Theory]
    [InlineData(1280, 900, "security-page-desktop.png")]
    [InlineData(390, 844, "security-page-phone.png")]
    public async Task SecurityPage_HasNoOverlappingOrOffScreenControls(int width, int height, string screenshot)
    {
        var user = await fixture.SignUpAsync(Plans.Pro);
        var page = await OpenSignedInAsync(user.Email, width, height);
        await page.Locator("#api-key-name").FillAsync("layout");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.Locator("#api-key-usage figure")).ToHaveCountAsync(1);

        var faults = await page.EvaluateAsync<string[]>(FindLayoutFaults);
        await SaveScreenshotAsync(page, screenshot);

        Assert.Empty(faults);
    }

    [Fact]
    public async Task SecurityPage_DrawsEachKeysUsage_AndKeepsTheSectionNavigationInReach()
    {
        var user = await fixture.SignUpAsync(Plans.Pro);
        var key = (await fixture.SendForJsonAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "charted", scopes = new[] { "bookmarks:read" } }, user.AccessToken, HttpStatusCode.Created))
            .GetProperty("key").GetString()!;
        for (var i = 0; i < 3; i++)
        {
            (await fixture.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).EnsureSuccessStatusCode();
        }

        var page = await OpenSignedInAsync(user.Email, 1280, 900);

        var chart = page.GetByRole(AriaRole.Img, new() { Name = "charted: 3 accepted, 0 refused in the last 30 days" });
        await Assertions.Expect(chart).ToBeVisibleAsync();
        Assert.Equal(30, await chart.Locator("rect.ok").CountAsync());
        await page.Locator("#section-nav").GetByRole(AriaRole.Link, new() { Name = "Activity" }).ClickAsync();
        await Assertions.Expect(page.Locator("#section-nav")).ToBeInViewportAsync();
        await Assertions.Expect(page.Locator("#activity-heading")).ToBeInViewportAsync();
        await SaveScreenshotAsync(page, "security-page-usage.png");
    }

    private async Task<IPage> OpenSignedInAsync(string email, int width, int height)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{fixture.Origin}/api/settings/security");
        await page.Locator("body[data-ready=true]").WaitForAsync();
        await page.Locator("#sign-in-email").FillAsync(email);
        await page.Locator("#sign-in-password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#account-email")).ToHaveTextAsync(email);
        return page;
    }

    private static async Task SaveScreenshotAsync(IPage page, string fileName)
    {
        var directory = RepositoryFiles.PathOf("test-output");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, fileName), FullPage = true });
    }
}

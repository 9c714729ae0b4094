using Microsoft.Playwright;

namespace Bkmark.Tests.Infrastructure;

/// <summary>The browser of the browser tests: Debian's Chromium (test.sh installs it), headless, driven by Playwright.</summary>
public static class HeadlessChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }
}

/// <summary>
/// A test class that drives the page: one headless Chromium for the class, started and closed with it. Every
/// step waits for the page's own state (Playwright's auto-waiting locators and <see cref="Assertions.Expect(ILocator)"/>)
/// for up to <see cref="Patience"/>: a fixed few seconds fails by luck on a busy machine, and a passing step
/// returns as soon as its state is there, so the bound costs nothing when things are fast.
/// </summary>
public abstract class BrowserTest : IAsyncLifetime
{
    /// <summary>How long a step waits for the state it expects (Playwright's own defaults: 5 s for expect, 30 s for actions).</summary>
    public const float Patience = 60_000;

    private IPlaywright? playwright;
    private IBrowser? browser;

    protected IBrowser Browser => browser ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(Patience);
        playwright = await Playwright.CreateAsync();
        browser = await HeadlessChromium.LaunchAsync(playwright);
    }

    /// <summary>A fresh browser context (its own cookies) whose actions and waits have <see cref="Patience"/>.</summary>
    protected async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout(Patience);
        context.SetDefaultNavigationTimeout(Patience);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}

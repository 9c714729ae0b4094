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

/// <summary>A test class that drives the page: one headless Chromium for the class, started and closed with it.</summary>
public abstract class BrowserTest : IAsyncLifetime
{
    private IPlaywright? playwright;
    private IBrowser? browser;

    protected IBrowser Browser => browser ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        playwright = await Playwright.CreateAsync();
        browser = await HeadlessChromium.LaunchAsync(playwright);
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

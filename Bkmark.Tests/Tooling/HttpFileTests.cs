using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Bkmark.Tests.Tooling;

/// <summary>
/// Bkmark.http (the main flows, as a developer sends them from an editor) sent with httpyac (npm) against a test
/// host, its own assertions deciding: a change to a flow the file shows fails here, so the file cannot drift from the API.
/// </summary>
public sealed partial class HttpFileTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    /// <summary>Register, confirm, sign in, refresh, plan, create a key, verify, usage, revoke, verify again, health.</summary>
    private const int RequestsInTheFile = 11;

    [Fact]
    public async Task BkmarkHttp_PassesEveryAssertion_AgainstTheLocalHost()
    {
        var start = new ProcessStartInfo(RepositoryFiles.PathOf("node_modules/.bin/httpyac"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryFiles.Root,
        };
        foreach (var argument in new[] { "send", RepositoryFiles.PathOf("Bkmark.http"), "--all", "--bail", "--output-failed", "exchange" })
        {
            start.ArgumentList.Add(argument);
        }

        // httpyac's --var does not override a variable the file sets, so the file reads these itself.
        start.Environment["BKMARK_BASE_URL"] = new Uri(host.BaseAddress, "api").ToString();
        start.Environment["BKMARK_FUNCTION_KEY"] = host.FunctionKey;
        start.Environment["BKMARK_MAILDEV_URL"] = MailDevInbox.WebAddress.ToString().TrimEnd('/');

        using var httpyac = Process.Start(start) ?? throw new InvalidOperationException("Could not start httpyac.");
        var output = httpyac.StandardOutput.ReadToEndAsync();
        var errors = httpyac.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await httpyac.WaitForExitAsync(timeout.Token);

        var report = $"httpyac exited {httpyac.ExitCode}:\n{await output}\n{await errors}";
        Assert.True(httpyac.ExitCode == 0, report);
        // Exit 0 alone would also pass a file that sent nothing: every request must have run and held.
        var summary = Summary().Match(await output);
        Assert.True(summary.Success, report);
        Assert.Equal(RequestsInTheFile, int.Parse(summary.Groups["processed"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(RequestsInTheFile, int.Parse(summary.Groups["succeeded"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"(?<processed>\d+) requests processed \((?<succeeded>\d+) succeeded\)", RegexOptions.CultureInvariant)]
    private static partial Regex Summary();
}

using System.Diagnostics;
using Bkmark.Core.Library.ImportExport;

namespace Bkmark.Tests.Infra;

/// <summary>
/// infra/main.bicep compiles and passes the Bicep linter without a single warning, with the CLI pinned in
/// the test project (Azure.Bicep.CommandLine.linux-x64, restored by NuGet; it runs offline).
/// </summary>
public sealed class DeploymentTemplateTests
{
    private static readonly string Template = RepositoryFiles.PathOf("infra/main.bicep");

    [Fact]
    public async Task Bicep_Lint_ReportsNoWarningOrError()
    {
        // Act
        var (exitCode, output, diagnostics) = await RunBicepAsync("lint", Template);

        // Assert: lint exits 0 on warnings, so what it prints is the verdict.
        Assert.True(exitCode == 0 && output.Length + diagnostics.Length == 0, $"bicep lint (exit {exitCode}):\n{output}{diagnostics}");
    }

    [Fact]
    public async Task Bicep_Build_CompilesTemplate_WithTheSettingsTheAppNeeds()
    {
        // Act
        var (exitCode, output, diagnostics) = await RunBicepAsync("build", Template, "--stdout");

        // Assert
        Assert.True(exitCode == 0 && diagnostics.Length == 0, $"bicep build (exit {exitCode}):\n{diagnostics}");
        using var arm = JsonDocument.Parse(output);
        var parameters = arm.RootElement.GetProperty("parameters");
        // The host refuses bodies above this before buffering them; the app's largest (an import) must fit.
        long bodyLimit = parameters.GetProperty("requestBodySizeLimit").GetProperty("defaultValue").GetInt64();
        Assert.InRange(bodyLimit, ImportService.MaxFileBytes + 1, 2L * ImportService.MaxFileBytes);
        foreach (string secret in new[] { "jwtSigningKey", "credentialPepper", "totpEncryptionKey", "smtpPassword" })
        {
            Assert.Equal("securestring", parameters.GetProperty(secret).GetProperty("type").GetString());
        }

        string resources = arm.RootElement.GetProperty("resources").GetRawText();
        foreach (string setting in new[]
                 {
                     "FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", "Sweep__Schedule", "KeyVault__Uri", "Storage__TableServiceUri", "Storage__QueueServiceUri",
                     "Email__OutboxQueue", "Email__Smtp__Host", "Email__Smtp__Port", "Email__Smtp__UserName", "Email__Smtp__From", "App__PublicUrl",
                     // Traces sampled (traceSampleRatio): exporting every verify's would cost more than the telemetry budget.
                     "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG",
                 })
        {
            Assert.Contains(setting, resources, StringComparison.Ordinal);
        }

        // One data account unless asked (the app then reads Storage__TableServiceUri); more add Storage__Accounts__N settings.
        var accounts = parameters.GetProperty("dataAccountCount");
        Assert.Equal(1, accounts.GetProperty("defaultValue").GetInt32());
        Assert.Contains("Storage__Accounts__{0}", arm.RootElement.GetProperty("variables").GetRawText(), StringComparison.Ordinal);

        // The SMTP password reaches the app through the vault (secret smtp-password), never as a setting's value.
        Assert.DoesNotContain("Email__Smtp__Password", resources, StringComparison.Ordinal);
        Assert.True(arm.RootElement.GetProperty("variables").GetProperty("secrets").TryGetProperty("smtp-password", out _));
    }

    [Fact]
    public async Task ParametersFile_NamesOnlyParametersTheTemplateDeclares()
    {
        // Arrange
        var (_, output, _) = await RunBicepAsync("build", Template, "--stdout");
        using var arm = JsonDocument.Parse(output);
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryFiles.PathOf("infra/main.parameters.json")));

        // Act
        var unknown = file.RootElement.GetProperty("parameters").EnumerateObject()
            .Select(p => p.Name)
            .Where(name => !arm.RootElement.GetProperty("parameters").TryGetProperty(name, out _))
            .ToList();

        // Assert
        Assert.Empty(unknown);
    }

    /// <returns>The exit code, standard output, and the diagnostics (standard error).</returns>
    private static async Task<(int ExitCode, string Output, string Diagnostics)> RunBicepAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(RepositoryFiles.BicepCli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Offline: no telemetry, no registry or update checks.
            Environment = { ["BICEP_TELEMETRY_ENABLED"] = "false" },
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        EnsureExecutable(RepositoryFiles.BicepCli);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }

    // NuGet extracts files without their execute bit on some machines.
    private static void EnsureExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace Bkmark.Benchmarks.Load;

/// <summary>
/// The client side of <c>./bench.sh faults</c>. It creates a user, sessions and keys, writes
/// <c>ready</c> into the control folder, and sends a steady stream of verifies (API key and JWT) until
/// the script writes <c>done</c>. The script stops storage while an <c>outage</c> file exists. Each request
/// is tagged with the phase it started in (before / outage / after). At the end every key and session
/// created before the outage must still work, and every request path is tried once more.
/// </summary>
public sealed class FaultRun
{
    private readonly ApiClient api;
    private readonly string control;
    private readonly int workers;
    private readonly TimeSpan pause;
    private readonly ConcurrentQueue<Sample> samples = new();
    private readonly List<(string Key, string Id)> keys = [];
    private readonly List<(string AccessToken, string RefreshToken)> sessions = [];
    private string email = "";

    private FaultRun(ApiClient api, string control, int rate, int workers)
    {
        this.api = api;
        this.control = control;
        this.workers = workers;
        this.pause = TimeSpan.FromSeconds((double)workers / rate);
    }

    private string Phase
    {
        get
        {
            if (File.Exists(Path.Combine(control, "outage")))
            {
                return "outage";
            }

            return File.Exists(Path.Combine(control, "restored")) ? "after" : "before";
        }
    }

    /// <summary><c>faults --base-url URL --function-key KEY --mail-url URL --control DIR [--rate 20] [--workers 4]</c></summary>
    public static async Task<int> RunAsync(LoadOptions options)
    {
        using var http = ApiClient.CreateHttpClient(options.Required("base-url"));
        var run = new FaultRun(new ApiClient(http, options.Required("function-key"), new Uri(options.Required("mail-url"))), options.Required("control"), options.Int("rate", 20), options.Int("workers", 4));
        await run.SetUpAsync(CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(run.control, "ready"), "");
        await Task.WhenAll(Enumerable.Range(0, run.workers).Select(run.WorkerAsync));
        return await run.ReportAsync(CancellationToken.None) ? 0 : 1;
    }

    private async Task SetUpAsync(CancellationToken cancellationToken)
    {
        email = $"faults-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}@bench.example";
        await api.CreateUserAsync(email, "pro", cancellationToken);
        for (var i = 0; i < 2; i++)
        {
            var tokens = ApiClient.Expect(await api.LoginAsync(email, cancellationToken), 200, "login").Json;
            sessions.Add((tokens.GetProperty("accessToken").GetString()!, tokens.GetProperty("refreshToken").GetString()!));
            var key = ApiClient.Expect(await api.CreateKeyAsync(sessions[i].AccessToken, $"faults {i}", cancellationToken), 201, "create key").Json;
            keys.Add((key.GetProperty("key").GetString()!, key.GetProperty("id").GetString()!));
        }
    }

    private async Task WorkerAsync(int worker)
    {
        var done = Path.Combine(control, "done");
        for (var n = worker; !File.Exists(done); n++)
        {
            var phase = Phase;
            var (kind, credential) = n % 2 == 0 ? ("key", keys[n / 2 % keys.Count].Key) : ("jwt", sessions[n / 2 % sessions.Count].AccessToken);
            var response = await api.VerifyAsync(credential, CancellationToken.None);
            samples.Enqueue(new Sample(phase, kind, response));
            await Task.Delay(pause);
        }
    }

    private async Task<bool> ReportAsync(CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        Console.WriteLine("| phase | credential | outcome | count | max latency (ms) |");
        Console.WriteLine("|---|---|---|---:|---:|");
        foreach (var group in samples.GroupBy(s => (s.Phase, s.Kind, Outcome: s.Response.Describe())).OrderBy(g => PhaseOrder(g.Key.Phase)).ThenBy(g => g.Key.Kind).ThenBy(g => g.Key.Outcome))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {group.Key.Phase} | {group.Key.Kind} | {group.Key.Outcome} | {group.Count()} | {group.Max(s => s.Response.Elapsed.TotalMilliseconds):F0} |"));
        }

        foreach (var sample in samples)
        {
            var r = sample.Response;
            if (r.Status >= 500 && r.Status != 503)
            {
                failures.Add($"{sample.Phase}: {r.Status} {r.Body}");
            }

            if (r.Status == 503 && (r.ProblemCode != "STORAGE_UNAVAILABLE" || r.Headers.RetryAfter is null))
            {
                failures.Add($"{sample.Phase}: 503 without STORAGE_UNAVAILABLE and Retry-After: {r.Body}");
            }

            if (r.Body.Contains("   at ", StringComparison.Ordinal) || r.Body.Contains("Exception", StringComparison.Ordinal))
            {
                failures.Add($"{sample.Phase}: a stack trace or exception name in a body: {r.Body}");
            }

            if (sample.Phase == "before" && r.Status != 200)
            {
                failures.Add($"before the outage: {r.Describe()}");
            }
        }

        var outage = samples.Where(s => s.Phase == "outage").ToList();
        var maxOutageMs = outage.Count == 0 ? 0 : outage.Max(s => s.Response.Elapsed.TotalMilliseconds);
        if (outage.Count(s => s.Response.Status == 503) == 0)
        {
            failures.Add("no request saw the outage (no 503 while storage was down)");
        }

        // Once the service answered again, it must keep answering: no path left broken.
        var after = samples.Where(s => s.Phase == "after").ToList();
        var firstOk = after.FindIndex(s => s.Response.Status == 200);
        var brokenAfterRecovery = firstOk < 0 ? after.Count : after.Skip(firstOk).Count(s => s.Response.Status != 200);
        if (firstOk < 0 || brokenAfterRecovery > 0)
        {
            failures.Add($"after storage came back: {brokenAfterRecovery} requests failed after recovery (first success at #{firstOk})");
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"requests: {samples.Count}; during the outage: {outage.Count} (503: {outage.Count(s => s.Response.Status == 503)}), max latency during the outage: {maxOutageMs:F0} ms"));

        // Everything created before the outage still works, and every request path works again.
        var checks = new List<(string Name, ApiResponse Response, int Expected)>();
        foreach (var (key, id) in keys)
        {
            checks.Add(($"verify pre-outage key {id}", await api.VerifyAsync(key, cancellationToken), 200));
        }

        foreach (var (access, refresh) in sessions)
        {
            checks.Add(("verify pre-outage access token", await api.VerifyAsync(access, cancellationToken), 200));
            checks.Add(("refresh pre-outage session", await api.RefreshAsync(refresh, cancellationToken), 200));
        }

        var login = await api.LoginAsync(email, cancellationToken);
        checks.Add(("login", login, 200));
        if (login.Status == 200)
        {
            var access = login.Json.GetProperty("accessToken").GetString()!;
            var created = await api.CreateKeyAsync(access, "after the outage", cancellationToken);
            checks.Add(("create key", created, 201));
            checks.Add(("list keys", await api.ListKeysAsync(access, cancellationToken), 200));
            if (created.Status == 201)
            {
                checks.Add(("revoke key", await api.RevokeKeyAsync(access, created.Json.GetProperty("id").GetString()!, cancellationToken), 200));
            }
        }

        foreach (var (name, response, expected) in checks)
        {
            var passed = response.Status == expected;
            Console.WriteLine($"{(passed ? "PASS" : "FAIL")}  after: {name} ({response.Describe()})");
            if (!passed)
            {
                failures.Add($"after: {name}: {response.Describe()}");
            }
        }

        foreach (var failure in failures.Distinct().Take(20))
        {
            Console.WriteLine($"FAIL  {failure}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"faults: {(failures.Count == 0 ? "PASS" : "FAIL")}; 5xx other than 503: {samples.Count(s => s.Response.Status >= 500 && s.Response.Status != 503)}; max outage latency {maxOutageMs:F0} ms"));
        return failures.Count == 0;
    }

    private static int PhaseOrder(string phase) => phase switch { "before" => 0, "outage" => 1, _ => 2 };

    private sealed record Sample(string Phase, string Kind, ApiResponse Response);
}

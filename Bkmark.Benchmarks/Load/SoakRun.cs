using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace Bkmark.Benchmarks.Load;

/// <summary>
/// The concurrency soak: several clients send mixed traffic (logins, refreshes — some deliberately raced
/// with the same token —, key creates and revokes, verifies with keys and JWTs) for a while, against a
/// few shared users so that they contend. Then it checks the invariants that must hold whatever the
/// interleaving, and prints PASS/FAIL for each. Exit code 0 only if all pass.
/// </summary>
public sealed class SoakRun
{
    private readonly ApiClient api;
    private readonly int seconds;
    private readonly int clients;
    private readonly int keyLimit;
    private readonly List<SoakUser> users = [];
    private readonly ConcurrentDictionary<string, int> outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> refreshSuccesses = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<string> violations = [];
    private int racedRefreshes;
    private int serverErrors;

    private SoakRun(ApiClient api, int seconds, int clients, int keyLimit)
    {
        this.api = api;
        this.seconds = seconds;
        this.clients = clients;
        this.keyLimit = keyLimit;
    }

    /// <summary><c>soak --base-url URL --function-key KEY --mail-url URL [--seconds 120] [--clients 8] [--users 3] [--key-limit 10]</c></summary>
    public static async Task<int> RunAsync(LoadOptions options)
    {
        using var http = ApiClient.CreateHttpClient(options.Required("base-url"));
        var run = new SoakRun(new ApiClient(http, options.Required("function-key"), new Uri(options.Required("mail-url"))), options.Int("seconds", 120), options.Int("clients", 8), options.Int("key-limit", 10));
        await run.SetUpAsync(options.Int("users", 3), CancellationToken.None);
        await run.DriveAsync();
        return await run.CheckAsync(CancellationToken.None) ? 0 : 1;
    }

    private async Task SetUpAsync(int userCount, CancellationToken cancellationToken)
    {
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        for (var i = 0; i < userCount; i++)
        {
            var email = $"soak-{run}-{i}@bench.example";
            var user = new SoakUser(await api.CreateUserAsync(email, "pro", cancellationToken), email);
            user.Sessions.Add(SoakSession.From(ApiClient.Expect(await api.LoginAsync(email, cancellationToken), 200, "login")));
            users.Add(user);
        }
    }

    private async Task DriveAsync()
    {
        Console.WriteLine($"soak: {clients} clients, {users.Count} users (pro, key limit {keyLimit}), {seconds} s");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var loops = Enumerable.Range(0, clients).Select(i => Task.Run(() => ClientLoopAsync(users[i % users.Count], stop.Token)));
        await Task.WhenAll(loops);
    }

    private async Task ClientLoopAsync(SoakUser user, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            // Weights: verifies dominate, as in real traffic; the rest exercises every write path.
            var roll = Random.Shared.Next(100);
            var step = roll switch
            {
                < 5 => LoginAsync(user),
                < 15 => RefreshAsync(user),
                < 25 => CreateKeyAsync(user),
                < 32 => RevokeKeyAsync(user),
                < 66 => VerifyKeyAsync(user),
                _ => VerifyJwtAsync(user),
            };
            await step;
        }
    }

    private async Task LoginAsync(SoakUser user)
    {
        var response = Record("login", await api.LoginAsync(user.Email, CancellationToken.None));
        if (response.Status == 200)
        {
            lock (user)
            {
                user.Sessions.Add(SoakSession.From(response));
            }
        }
    }

    private async Task RefreshAsync(SoakUser user)
    {
        var session = user.PickSession();
        var token = session.RefreshToken;

        // One refresh in four is raced: two clients present the same refresh token at once.
        var raced = Random.Shared.Next(4) == 0;
        var attempts = raced
            ? await Task.WhenAll(api.RefreshAsync(token, CancellationToken.None), api.RefreshAsync(token, CancellationToken.None))
            : [await api.RefreshAsync(token, CancellationToken.None)];
        if (raced)
        {
            Interlocked.Increment(ref racedRefreshes);
        }

        foreach (var response in attempts)
        {
            Record(raced ? "refresh (raced)" : "refresh", response);
            if (response.Status == 200)
            {
                refreshSuccesses.AddOrUpdate(token, 1, (_, n) => n + 1);
                session.Rotate(token, response);
            }
        }
    }

    private async Task CreateKeyAsync(SoakUser user)
    {
        var session = user.PickSession();
        var response = Record("create key", await api.CreateKeyAsync(session.AccessToken, $"soak {Guid.NewGuid():N}", CancellationToken.None));
        if (response.Status == 201)
        {
            var json = response.Json;
            user.Keys[json.GetProperty("id").GetString()!] = new SoakKey(json.GetProperty("key").GetString()!);
        }
    }

    private async Task RevokeKeyAsync(SoakUser user)
    {
        if (user.PickKey() is not { } picked)
        {
            return;
        }

        var response = Record("revoke key", await api.RevokeKeyAsync(user.PickSession().AccessToken, picked.Id, CancellationToken.None));
        if (response.Status == 200)
        {
            picked.Key.RevokeConfirmed = true;
        }
    }

    private async Task VerifyKeyAsync(SoakUser user)
    {
        if (user.PickKey() is not { } picked)
        {
            await VerifyJwtAsync(user);
            return;
        }

        // Only a verify sent after the revoke was acknowledged must fail; one in flight may still pass.
        var revokedBefore = picked.Key.RevokeConfirmed;
        var response = Record("verify (key)", await api.VerifyAsync(picked.Key.Secret, CancellationToken.None));
        if (revokedBefore && response.Status == 200)
        {
            violations.Add($"key {picked.Id} verified after its revocation was acknowledged");
        }
    }

    private async Task VerifyJwtAsync(SoakUser user) =>
        Record("verify (jwt)", await api.VerifyAsync(user.PickSession().AccessToken, CancellationToken.None));

    private ApiResponse Record(string operation, ApiResponse response)
    {
        outcomes.AddOrUpdate($"{operation,-16} {response.Describe()}", 1, (_, n) => n + 1);
        if (response.Status >= 500)
        {
            Interlocked.Increment(ref serverErrors);
            violations.Add($"{operation}: {response.Status} {response.Body}");
        }

        return response;
    }

    private async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine("| operation        outcome | count |");
        Console.WriteLine("|---|---:|");
        foreach (var (outcome, count) in outcomes.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"| {outcome} | {count} |");
        }

        Console.WriteLine($"total requests: {outcomes.Values.Sum()}; raced refresh pairs: {racedRefreshes}");
        Console.WriteLine();

        var results = new List<(string Name, bool Passed, string Detail)>();

        var overLimit = new List<string>();
        foreach (var user in users)
        {
            var listed = ApiClient.Expect(await api.ListKeysAsync(user.PickSession().AccessToken, cancellationToken), 200, "list keys");
            var active = listed.Json.GetProperty("data").GetArrayLength();
            if (active > keyLimit)
            {
                overLimit.Add($"{user.Id}: {active}");
            }
        }

        results.Add(("no user above the key limit", overLimit.Count == 0, overLimit.Count == 0 ? $"{users.Count} users checked" : string.Join(", ", overLimit)));

        var doubled = refreshSuccesses.Count(r => r.Value > 1);
        results.Add(("no refresh token with two live successors", doubled == 0, $"{refreshSuccesses.Count} tokens rotated, {doubled} rotated twice"));

        var stale = new List<string>();
        foreach (var user in users)
        {
            foreach (var session in user.Sessions)
            {
                // The latest successor of every session must still work: no race left a session broken.
                var refreshed = await api.RefreshAsync(session.RefreshToken, cancellationToken);
                Record("final refresh", refreshed);
                if (refreshed.Status != 200)
                {
                    stale.Add($"session {session.SessionId}: {refreshed.Describe()}");
                }
            }
        }

        results.Add(("every session's latest refresh token works", stale.Count == 0, stale.Count == 0 ? $"{users.Sum(u => u.Sessions.Count)} sessions" : string.Join("; ", stale.Take(5))));

        var revoked = users.SelectMany(u => u.Keys).Where(k => k.Value.RevokeConfirmed).ToList();
        var verifying = new List<string>();
        foreach (var (id, key) in revoked)
        {
            var response = Record("final verify", await api.VerifyAsync(key.Secret, cancellationToken));
            if (response.Status != 401 || response.ProblemCode != "TOKEN_REVOKED")
            {
                verifying.Add($"{id}: {response.Describe()}");
            }
        }

        verifying.AddRange(violations.Where(v => v.StartsWith("key ", StringComparison.Ordinal)));
        results.Add(("no revoked key verifying", verifying.Count == 0, verifying.Count == 0 ? $"{revoked.Count} revoked keys checked" : string.Join("; ", verifying.Take(5))));

        results.Add(("zero 5xx", serverErrors == 0, serverErrors == 0 ? "0" : $"{serverErrors}: {violations.FirstOrDefault(v => !v.StartsWith("key ", StringComparison.Ordinal))}"));

        foreach (var (name, passed, detail) in results)
        {
            Console.WriteLine($"{(passed ? "PASS" : "FAIL")}  {name} ({detail})");
        }

        var allPassed = results.All(r => r.Passed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: {(allPassed ? "PASS" : "FAIL")} ({results.Count(r => r.Passed)}/{results.Count} invariants)"));
        return allPassed;
    }

    private sealed class SoakUser(string id, string email)
    {
        public string Id => id;

        public string Email => email;

        public List<SoakSession> Sessions { get; } = [];

        public ConcurrentDictionary<string, SoakKey> Keys { get; } = new(StringComparer.Ordinal);

        public SoakSession PickSession()
        {
            lock (this)
            {
                return Sessions[Random.Shared.Next(Sessions.Count)];
            }
        }

        public (string Id, SoakKey Key)? PickKey()
        {
            var keys = Keys.ToArray();
            if (keys.Length == 0)
            {
                return null;
            }

            var (keyId, key) = keys[Random.Shared.Next(keys.Length)];
            return (keyId, key);
        }
    }

    private sealed class SoakSession(string sessionId, string accessToken, string refreshToken)
    {
        public string SessionId => sessionId;

        public string AccessToken { get; private set; } = accessToken;

        public string RefreshToken { get; private set; } = refreshToken;

        public static SoakSession From(ApiResponse tokens)
        {
            var json = tokens.Json;
            return new SoakSession(json.GetProperty("sessionId").GetString()!, json.GetProperty("accessToken").GetString()!, json.GetProperty("refreshToken").GetString()!);
        }

        /// <summary>Moves to the successor, unless another client already rotated past <paramref name="presented"/>.</summary>
        public void Rotate(string presented, ApiResponse tokens)
        {
            var json = tokens.Json;
            lock (this)
            {
                if (RefreshToken == presented)
                {
                    RefreshToken = json.GetProperty("refreshToken").GetString()!;
                    AccessToken = json.GetProperty("accessToken").GetString()!;
                }
            }
        }
    }

    private sealed class SoakKey(string secret)
    {
        public string Secret => secret;

        public volatile bool RevokeConfirmed;
    }
}

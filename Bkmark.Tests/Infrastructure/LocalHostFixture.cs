using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using Bkmark.Core.Accounts;
using Bkmark.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Bkmark.Tests.Infrastructure;

/// <summary>
/// Bkmark served by <see cref="LocalHostApplication"/> on Kestrel (127.0.0.1, a free port), over real HTTP,
/// against Azurite, sending email through the tests' MailDev (<see cref="MailDevInbox"/>). Each fixture has its
/// own table prefix and outbox queue, so fixtures and test runs never share data or take each other's emails.
/// </summary>
/// <remarks>
/// Use as <c>IClassFixture&lt;LocalHostFixture&gt;</c> or in a collection. Time is a
/// <see cref="FakeTimeProvider"/> started at the real current time; timers are off (run them through
/// <see cref="RunFunctionAsync"/>). Subclass and pass extra configuration to change settings; a
/// <see langword="null"/> value removes a setting.
/// </remarks>
public class LocalHostFixture : IAsyncLifetime
{
    /// <summary>
    /// PBKDF2 iterations in the test hosts: the least the settings allow, since the cost is not what most tests
    /// test and OWASP's count would make every sign-in take a good part of a second on a busy machine.
    /// </summary>
    public const int FastPasswordHashIterations = 1_000;

    public const string PasswordHashIterationsSetting = "Accounts:PasswordHashIterations";

    public const string BreachRangeUrlSetting = "Passwords:BreachRangeUrl";

    private const string TableNameAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    private static readonly ConcurrentDictionary<Uri, LocalHostFixture> Running = new();

    private readonly Dictionary<string, string?> configuration;
    private readonly Assembly? functionsAssembly;
    private WebApplication? app;
    private HttpClient? client;

    public LocalHostFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <param name="configuration">Settings added to (and overriding) the fixture's defaults.</param>
    /// <param name="functionsAssembly">The assembly whose functions to host; Bkmark.Functions by default.</param>
    protected LocalHostFixture(IDictionary<string, string?> configuration, Assembly? functionsAssembly = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Table names: alphanumeric, starting with a letter; the store appends its own names to this.
        TablePrefix = "t" + new string(RandomNumberGenerator.GetItems<char>(TableNameAlphabet, 8));
        FunctionKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        MasterKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        Time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        this.functionsAssembly = functionsAssembly;

        OutboxQueue = "email-" + TablePrefix;
        this.configuration = new Dictionary<string, string?>(AzuriteStorage.Settings(), StringComparer.OrdinalIgnoreCase)
        {
            // The queue trigger's account, as in the Functions host.
            ["AzureWebJobsStorage"] = AzuriteStorage.ConnectionString,
            ["Email:OutboxQueue"] = OutboxQueue,
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = MailDevInbox.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Storage:TablePrefix"] = TablePrefix,
            ["LocalHost:FunctionKey"] = FunctionKey,
            // The leak route checks the reporters' key itself (GitHub sends none, so the host lets it through): the same key.
            ["LeakReports:FunctionKey"] = FunctionKey,
            ["LocalHost:MasterKey"] = MasterKey,
            ["LocalHost:DisableTimers"] = "true",
            [PasswordHashIterationsSetting] = FastPasswordHashIterations.ToString(CultureInfo.InvariantCulture),
            // Usage counts are written by lease writes, by the usage route and when the host stops, never on a timer
            // in the middle of a test that counts storage requests.
            ["ApiKeys:UsageFlushSeconds"] = "3600",
        };
        // A fixture that names storage of its own (an Azurite it stops, a port nobody listens on) gets only that.
        if (configuration.ContainsKey("Storage:ConnectionString") && !configuration.Keys.Any(IsAccountSetting))
        {
            foreach (var key in this.configuration.Keys.Where(IsAccountSetting).ToList())
            {
                this.configuration.Remove(key);
            }
        }

        foreach (var (key, value) in configuration)
        {
            this.configuration[key] = value;
        }

        // A second instance (SecondInstanceOf) names the first one's tables, queue and keys.
        TablePrefix = this.configuration["Storage:TablePrefix"] ?? TablePrefix;
        OutboxQueue = this.configuration["Email:OutboxQueue"] ?? OutboxQueue;
        FunctionKey = this.configuration["LocalHost:FunctionKey"] ?? FunctionKey;
        MasterKey = this.configuration["LocalHost:MasterKey"] ?? MasterKey;
    }

    /// <summary>
    /// Another instance of <paramref name="first"/>'s app, as Azure scales out: its own process state (memory, caches) on its
    /// own port, over the same tables, outbox queue and keys (the signing keys come from the same local secrets file). It
    /// leaves the email queue to the first. Start it with <see cref="InitializeAsync"/>, stop it with <see cref="DisposeAsync"/>.
    /// </summary>
    public static LocalHostFixture SecondInstanceOf(LocalHostFixture first)
    {
        ArgumentNullException.ThrowIfNull(first);
        return new LocalHostFixture(new Dictionary<string, string?>
        {
            ["Storage:TablePrefix"] = first.TablePrefix,
            ["Email:OutboxQueue"] = first.OutboxQueue,
            ["LocalHost:FunctionKey"] = first.FunctionKey,
            ["LocalHost:MasterKey"] = first.MasterKey,
            ["LocalHost:DisableQueueTriggers"] = "true",
        });
    }

    public string TablePrefix { get; }

    /// <summary>This host's email outbox queue (its poison queue is <c>{OutboxQueue}-poison</c>).</summary>
    public string OutboxQueue { get; }

    /// <summary>The key for function-level routes (<c>x-functions-key</c>).</summary>
    public string FunctionKey { get; }

    /// <summary>The master key: every function-level route, and alone the admin endpoint.</summary>
    public string MasterKey { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>A client whose base address is the host's root (<c>http://127.0.0.1:port/</c>); paths start with <c>api/</c>.</summary>
    public HttpClient Client => client ?? throw NotStarted();

    public Uri BaseAddress => Client.BaseAddress!;

    public IServiceProvider Services => app?.Services ?? throw NotStarted();

    /// <summary>
    /// Whether the host runs its queue triggers (and so sends email). A fixture that counts storage requests
    /// turns them off, so the email trigger's own storage work never lands in a request's count.
    /// </summary>
    protected virtual bool RunsQueueTriggers => true;

    public async Task InitializeAsync()
    {
        if (!RunsQueueTriggers)
        {
            configuration["LocalHost:DisableQueueTriggers"] = "true";
        }

        // The breached-password lookup goes to the tests' own range server unless a fixture chose another.
        if (!configuration.ContainsKey(BreachRangeUrlSetting))
        {
            configuration[BreachRangeUrlSetting] = (await PwnedPasswordsRange.SharedAsync()).RangeUrl;
        }

        // Settings go in as command-line arguments as well, so that AddBkmark sees them even if it reads
        // configuration while registering; the in-memory copy carries removals (null values).
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", "Development",
            .. configuration.Where(kv => kv.Value is not null).Select(kv => $"--{kv.Key}={kv.Value}"),
        ];

        app = LocalHostApplication.Build(args, builder =>
        {
            builder.Configuration.AddInMemoryCollection(configuration);
            // After AddBkmark, so this registration wins.
            builder.Services.AddSingleton<TimeProvider>(Time);
            ConfigureServices(builder.Services);
        }, functionsAssembly);

        try
        {
            await app.StartAsync();
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed.
            await app.DisposeAsync();
            app = null;
            throw;
        }

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // No cookie jar: a test sends the cookies it means to, so one test's sign-in never rides along on another's request.
        this.client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(address.TrimEnd('/') + "/") };
        Running[client.BaseAddress] = this;
    }

    /// <summary>The fixture serving <paramref name="baseAddress"/>, for helpers that have only a client (<see cref="ApiTestClient.VerifyEmailAsync"/>).</summary>
    public static LocalHostFixture Serving(Uri baseAddress) =>
        Running.TryGetValue(baseAddress, out var host) ? host : throw new InvalidOperationException($"No local host of this test run serves {baseAddress}.");

    /// <summary>The plan <see cref="SignUpAsync"/> puts new accounts on.</summary>
    protected virtual string DefaultPlan => Plans.Free;

    /// <summary>Registrations for a subclass, made after the fixture's own (so they win).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <inheritdoc cref="ApiTestClient.SendAsync(HttpClient, HttpMethod, string, object?, string?, string?, CancellationToken)"/>
    public Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, object? json = null, string? bearer = null, string? userAgent = null, CancellationToken cancellationToken = default) =>
        Client.SendAsync(method, path, json, bearer, userAgent, cancellationToken);

    /// <inheritdoc cref="ApiTestClient.SendForJsonAsync"/>
    public Task<JsonElement> SendForJsonAsync(
        HttpMethod method, string path, object? json = null, string? bearer = null, HttpStatusCode expected = HttpStatusCode.OK) =>
        Client.SendForJsonAsync(method, path, json, bearer, expected);

    /// <summary>Reads <paramref name="path"/> with <paramref name="bearer"/>, asserting a 200, and returns its JSON.</summary>
    public Task<JsonElement> GetJsonAsync(string bearer, string path) => SendForJsonAsync(HttpMethod.Get, path, bearer: bearer);

    /// <summary>Registers and signs in a new account, on <paramref name="plan"/> (default <see cref="DefaultPlan"/>) through the operator endpoint.</summary>
    public async Task<SignedInUser> SignUpAsync(string? plan = null)
    {
        var user = await Client.SignUpAsync();
        plan ??= DefaultPlan;
        if (plan != Plans.Free)
        {
            (await SetPlanAsync(user.Id, plan)).EnsureSuccessStatusCode();
        }

        return user;
    }

    /// <summary>Changes a user's plan as the billing system does: <c>PUT /admin/users/{id}/plan</c> with the function key.</summary>
    public Task<HttpResponseMessage> SetPlanAsync(string userId, string plan) =>
        SendAsOperatorAsync(HttpMethod.Put, $"api/v1/admin/users/{userId}/plan", new { plan });

    /// <summary>Calls an operator route (<c>api/v1/admin/…</c>) as the billing system or support does: with the function key.</summary>
    public Task<HttpResponseMessage> SendAsOperatorAsync(HttpMethod method, string path, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = JsonContent.Create(json, json.GetType());
        }

        request.Headers.Add("x-functions-key", FunctionKey);
        return Client.SendAsync(request);
    }

    /// <summary>Runs a timer function now through the admin endpoint, as an operator would.</summary>
    public async Task<HttpResponseMessage> RunFunctionAsync(string functionName, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"admin/functions/{Uri.EscapeDataString(functionName)}")
        {
            Content = JsonContent.Create(new { input = "" }),
        };
        request.Headers.Add("x-functions-key", MasterKey);
        return await Client.SendAsync(request, cancellationToken);
    }

    public async Task DisposeAsync()
    {
        if (client is not null)
        {
            Running.TryRemove(client.BaseAddress!, out _);
        }

        client?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static bool IsAccountSetting(string key) => key.StartsWith("Storage:Accounts:", StringComparison.OrdinalIgnoreCase);

    private static InvalidOperationException NotStarted() =>
        new("The local host has not started; use the fixture through xunit (IAsyncLifetime) or await InitializeAsync().");
}

using System.Globalization;
using System.Security.Cryptography;
using Azure.Core.Pipeline;
using Bkmark.Core;
using Bkmark.Core.Accounts;
using Bkmark.Core.Credentials;
using Bkmark.Core.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Time.Testing;

namespace Bkmark.Tests.Infrastructure;

/// <summary>
/// Core's services as AddBkmark registers them, against Azurite with a table prefix of their own and a
/// <see cref="FakeTimeProvider"/>: for tests of services and stores without HTTP in between.
/// </summary>
public sealed class CoreServices : IAsyncDisposable
{
    private CoreServices(ServiceProvider provider, FakeTimeProvider time, StorageRequestCounter storageRequests, string tablePrefix)
    {
        Provider = provider;
        Time = time;
        StorageRequests = storageRequests;
        TablePrefix = tablePrefix;
    }

    public ServiceProvider Provider { get; }

    public FakeTimeProvider Time { get; }

    public StorageRequestCounter StorageRequests { get; }

    public string TablePrefix { get; }

    public T Get<T>() where T : notnull => Provider.GetRequiredService<T>();

    /// <param name="configure">Registrations made after AddBkmark's (extra pipeline policies, for instance).</param>
    public static async Task<CoreServices> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var prefix = "u" + new string(RandomNumberGenerator.GetItems<char>("abcdefghijklmnopqrstuvwxyz0123456789", 8));
        var keys = KeyRing.Generate();
        var values = new Dictionary<string, string?>(AzuriteStorage.Settings(), StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:TablePrefix"] = prefix,
            [$"Secrets:{SecretNames.JwtSigningKey}"] = Convert.ToBase64String(keys.SigningKey.ExportPkcs8PrivateKey()),
            [$"Secrets:{SecretNames.CredentialPepper}"] = Convert.ToBase64String(keys.CredentialPepper),
            [$"Secrets:{SecretNames.TotpEncryptionKey}"] = Convert.ToBase64String(keys.TotpEncryptionKey),
            [$"Secrets:{SecretNames.OutboxEncryptionKey}"] = Convert.ToBase64String(keys.OutboxEncryptionKey),
            [LocalHostFixture.PasswordHashIterationsSetting] = LocalHostFixture.FastPasswordHashIterations.ToString(CultureInfo.InvariantCulture),
            [LocalHostFixture.BreachRangeUrlSetting] = (await PwnedPasswordsRange.SharedAsync()).RangeUrl,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var counter = new StorageRequestCounter();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<HttpPipelinePolicy>(counter);
        services.AddBkmark(configuration, new HostingEnvironment { EnvironmentName = Environments.Production });
        services.AddSingleton<TimeProvider>(time);
        configure?.Invoke(services);

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.GetRequiredService<BkmarkTables>().CreateAllAsync(CancellationToken.None);
        counter.Clear();
        return new CoreServices(provider, time, counter, prefix);
    }

    /// <summary>Stores a new user on <paramref name="plan"/> and returns its id with a signed-in session's caller.</summary>
    public async Task<(string UserId, Caller Session)> CreateUserAsync(string plan)
    {
        var userId = Get<IdGenerator>().NewId();
        await Get<UserStore>().CreateAsync(
            new UserEntity { PartitionKey = userId, Email = $"{userId.ToLowerInvariant()}@example.com", Plan = plan, EmailVerifiedAt = Time.GetUtcNow() },
            CancellationToken.None);
        return (userId, new Caller(userId, CredentialType.Session, Scopes.All, null, SessionId: "s"));
    }

    /// <summary>Registers <paramref name="email"/> with <paramref name="password"/> and confirms the address, as following its link does.</summary>
    public async Task<NewAccount> RegisterVerifiedAsync(string email, string password)
    {
        var accounts = Get<AccountService>();
        var user = (await accounts.RegisterAsync(email, password, null, CancellationToken.None)).Value!;
        Assert.True((await accounts.MarkEmailVerifiedAsync(user.Id, user.Email, CancellationToken.None)).Value);
        return user;
    }

    public async ValueTask DisposeAsync()
    {
        var tables = Provider.GetRequiredService<BkmarkTables>();
        foreach (var table in TableNames.All.SelectMany(tables.EveryAccount))
        {
            await table.DeleteAsync();
        }

        await Provider.DisposeAsync();
    }
}

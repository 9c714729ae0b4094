using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Bkmark.Core.Access;
using Bkmark.Core.Accounts;
using Bkmark.Core.ApiKeys;
using Bkmark.Core.Authorization;
using Bkmark.Core.Email;
using Bkmark.Core.Health;
using Bkmark.Core.Library;
using Bkmark.Core.Lifecycle;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Operator;
using Bkmark.Core.Organisations;
using Bkmark.Core.Passkeys;
using Bkmark.Core.Passwords;
using Bkmark.Core.PublishableKeys;
using Bkmark.Core.Secrets;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Sessions;
using Bkmark.Core.SignIn;
using Bkmark.Core.Social;
using Bkmark.Core.Telemetry;
using Bkmark.Core.Throttling;
using Bkmark.Core.Tokens;
using Bkmark.Core.TwoFactor;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Identity = Microsoft.AspNetCore.Identity;

namespace Bkmark.Core;

/// <summary>The one registration both hosts (Functions and Bkmark.LocalHost) call.</summary>
public static class BkmarkServiceCollectionExtensions
{
    public static IServiceCollection AddBkmark(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IdGenerator>();
        services.AddMetrics();
        services.AddSingleton<BkmarkMetrics>();
        services.AddServiceWithInternalConstructor<ServiceHealth>();

        AddStorage(services, configuration);
        AddSecrets(services, configuration, environment);

        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<ThrottleStore>();
        services.AddSingleton<AttemptThrottle>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<AccountDirectory>();
        services.AddSingleton<SignInMethods>();
        services.AddPasswordPolicy();
        services.AddServiceWithInternalConstructor<AccountService>();
        services.AddOptions<Identity.PasswordHasherOptions>().Configure<IOptions<AccountOptions>>(
            (hasher, accounts) => hasher.IterationCount = accounts.Value.PasswordHashIterations);
        services.AddSingleton<Identity.IPasswordHasher<UserEntity>, Identity.PasswordHasher<UserEntity>>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<AccessTokenService>();
        services.AddSingleton<SessionStore>();
        services.AddServiceWithInternalConstructor<SessionService>();
        services.AddExpiryHandler<SessionExpiryHandler>();
        services.AddExpiryHandler<RefreshTokenExpiryHandler>();
        services.AddExpiryHandler<ThrottleExpiryHandler>();
        services.AddSingleton<CredentialHasher>();
        services.AddSingleton<SingleUseTokenStore>();
        services.AddSingleton<SingleUseTokens>();
        services.AddSingleton<RequestAuthenticator>();
        services.AddOptions<StepUpOptions>().BindConfiguration(StepUpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StepUp>();
        services.AddSingleton<PolicyAuthenticator>();
        services.AddSecurityLog();
        services.AddEmail();
        services.AddExpirySweep();
        services.AddApiKeys();
        services.AddTwoFactor();
        services.AddSignIn();
        services.AddLibrary();
        services.AddPublishableKeys();
        services.AddPasskeys();
        services.AddSocialSignIn();
        services.AddOrganisations();
        services.AddLifecycle();
        services.AddOperator();
        services.AddSingleton<SecurityReview.SecurityReviewService>();
        return services;
    }

    private static void AddStorage(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .PostConfigure(options =>
            {
                // The Functions convention: AzureWebJobsStorage names the app's storage account.
                if (configuration[$"{StorageOptions.Section}:ConnectionString"] is null && configuration["AzureWebJobsStorage"] is { Length: > 0 } webJobs)
                {
                    options.ConnectionString = webJobs;
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<IValidateOptions<StorageOptions>, StorageAccountsValidation>();

        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>();
            var clientOptions = StorageClientOptions.Configure(new TableClientOptions(), provider);
            return new BkmarkTables(StorageAccounts.Connect(options.Value, clientOptions), options);
        });
        services.AddHostedService<StorageStartup>();
    }

    private static void AddSecrets(IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddSingleton<ISecretProvider>(provider =>
        {
            if (configuration["KeyVault:Uri"] is { Length: > 0 } vaultUri)
            {
                return new KeyVaultSecretProvider(new SecretClient(new Uri(vaultUri), new DefaultAzureCredential()));
            }

            var fromConfiguration = new ConfigurationSecretProvider(configuration);
            if (!environment.IsDevelopment())
            {
                return fromConfiguration;
            }

            var path = configuration["Secrets:LocalFile"] is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.CurrentDirectory, ".local-secrets", "secrets.json");
            return new LocalSecretFile(fromConfiguration, path);
        });

        // Loaded once when first needed; SecretsStartup makes that "at start-up", so a missing secret stops the host.
        services.AddSingleton(provider =>
            KeyRing.LoadAsync(provider.GetRequiredService<ISecretProvider>(), CancellationToken.None).GetAwaiter().GetResult());
        services.AddHostedService<SecretsStartup>();
    }
}

using Azure.Core.Pipeline;
using Bkmark.Core.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bkmark.Tests.SignIn;

/// <summary>
/// The local host with password verifications counted, storage requests counted, storage faults on call and
/// logs captured: what the sign-in hardening tests observe from outside.
/// </summary>
public class SignInHostFixture : LocalHostFixture
{
    public SignInHostFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    protected SignInHostFixture(IDictionary<string, string?> configuration)
        : base(configuration)
    {
    }

    public StorageRequestCounter StorageRequests { get; } = new();

    /// <summary>Storage requests are counted here: emails stay queued, so the email trigger's storage work is not counted.</summary>
    protected override bool RunsQueueTriggers => false;

    public StorageFaults StorageFaults { get; } = new();

    public CapturedLogs Logs { get; } = new();

    /// <summary>Password hashes checked so far (sign-ins, including the decoy check for unknown emails).</summary>
    public int PasswordVerifications => Services.GetRequiredService<CountingPasswordHasher>().Verifications;

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<HttpPipelinePolicy>(StorageRequests);
        services.AddSingleton<HttpPipelinePolicy>(StorageFaults);
        services.AddSingleton<ILoggerProvider>(Logs);
        services.AddSingleton<CountingPasswordHasher>();
        services.AddSingleton<IPasswordHasher<UserEntity>>(provider => provider.GetRequiredService<CountingPasswordHasher>());
    }
}

/// <summary>A <see cref="SignInHostFixture"/> whose password throttle is out of the way, so only the two-factor throttle counts.</summary>
public sealed class TwoFactorSignInHostFixture() : SignInHostFixture(new Dictionary<string, string?> { ["Accounts:LoginMaxFailures"] = "100" });

/// <summary>The hasher the service is configured with, counting how often a password is checked against a hash.</summary>
internal sealed class CountingPasswordHasher(IOptions<PasswordHasherOptions> options) : IPasswordHasher<UserEntity>
{
    private readonly PasswordHasher<UserEntity> inner = new(options);
    private int verifications;

    public int Verifications => Volatile.Read(ref verifications);

    public string HashPassword(UserEntity user, string password) => inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(UserEntity user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref verifications);
        return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

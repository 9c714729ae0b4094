using BenchmarkDotNet.Attributes;
using Bkmark.Core.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Bkmark.Benchmarks.Micro;

/// <summary>
/// PasswordHasher&lt;T&gt; as AccountService uses it by default (Identity v3: PBKDF2-HMAC-SHA512 at OWASP's 210,000 iterations).
/// Its cost is the point: it is what a guess costs an attacker holding the table. The hasher ignores the
/// user object, so any class stands in for Core's internal user entity.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PasswordHashBenchmarks
{
    private const string Password = "correct horse battery staple";

    private readonly PasswordHasher<object> hasher =
        new(Options.Create(new PasswordHasherOptions { IterationCount = AccountOptions.OwaspPbkdf2Sha512Iterations }));
    private readonly object user = new();
    private string hash = "";

    [GlobalSetup]
    public void Setup() => hash = hasher.HashPassword(user, Password);

    [Benchmark(Description = "Password hash (PBKDF2, register)")]
    public string Hash() => hasher.HashPassword(user, Password);

    [Benchmark(Description = "Password verify (PBKDF2, login)")]
    public PasswordVerificationResult Verify() => hasher.VerifyHashedPassword(user, hash, Password);
}

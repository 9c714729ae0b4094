using BenchmarkDotNet.Attributes;
using Bkmark.Core.Credentials;
using Bkmark.Core.Secrets;
using Bkmark.Core.Tokens;
using Microsoft.Extensions.Options;

namespace Bkmark.Benchmarks.Micro;

/// <summary>ES256 access tokens: what sign-in/refresh pay to issue one and every JWT request pays to validate one.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AccessTokenBenchmarks
{
    private static readonly string[] PasswordAmr = ["pwd"];

    private AccessTokenService tokens = null!;
    private string token = "";

    [GlobalSetup]
    public void Setup()
    {
        tokens = new AccessTokenService(
            new SigningKeys(KeyRing.Generate()),
            Options.Create(new TokenOptions()),
            TimeProvider.System,
            new IdGenerator(TimeProvider.System));
        token = tokens.Issue("01JABCDEFGHJKMNPQRSTVWXYZ0", "01JABCDEFGHJKMNPQRSTVWXYZ1", PasswordAmr, out _);
    }

    [Benchmark(Description = "JWT issue (ES256)")]
    public string Issue() => tokens.Issue("01JABCDEFGHJKMNPQRSTVWXYZ0", "01JABCDEFGHJKMNPQRSTVWXYZ1", PasswordAmr, out _);

    [Benchmark(Description = "JWT validate (ES256)")]
    public async Task<bool> Validate()
    {
        var result = await tokens.ValidateAsync(token, CancellationToken.None);
        return result.Succeeded ? true : throw new InvalidOperationException(result.Problem.Detail);
    }
}

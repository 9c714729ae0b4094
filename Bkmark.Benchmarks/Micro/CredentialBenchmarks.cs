using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Bkmark.Core.ApiKeys;
using Bkmark.Core.Credentials;
using Bkmark.Core.Secrets;
using Bkmark.Core.TwoFactor;

namespace Bkmark.Benchmarks.Micro;

/// <summary>
/// What the request path computes before its one point read: the lookup keys of a bearer secret
/// (PartitionKey from the public prefix, RowKey = HMAC-SHA256 under the pepper), and the keyed-hash
/// comparison a backup code costs, and a TOTP check (±1 step).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CredentialBenchmarks
{
    private readonly CredentialHasher hasher = new(KeyRing.Generate());
    private readonly string apiKey = ApiKeyFormat.Generate();
    private readonly string backupCode = BackupCodes.Generate()[0];
    private readonly byte[] totpKey = RandomNumberGenerator.GetBytes(20);
    private readonly DateTimeOffset now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private string storedBackupCodeHash = "";
    private string previousStepCode = "";

    [GlobalSetup]
    public void Setup()
    {
        storedBackupCodeHash = hasher.Hash(BackupCodes.Normalize(backupCode)!);
        // The worst accepted case: the code of the step before, so the window is searched.
        previousStepCode = TotpCalculator.Default.Compute(totpKey, now.AddSeconds(-30));
    }

    /// <summary>What <c>ApiKeyVerifier</c> computes before its point read.</summary>
    [Benchmark(Description = "API key: parse + PartitionOf + HMAC row key")]
    public (string PartitionKey, string RowKey) ApiKeyLookupKeys() =>
        ApiKeyFormat.IsWellFormed(apiKey)
            ? (CredentialHasher.PartitionOf(ApiKeyFormat.KeyPrefixOf(apiKey)), hasher.Hash(apiKey))
            : throw new InvalidOperationException("The benchmark key is malformed.");

    [Benchmark(Description = "Backup code: normalise + HMAC + constant-time compare")]
    public bool BackupCodeCheck() =>
        CredentialHasher.HashesEqual(storedBackupCodeHash, hasher.Hash(BackupCodes.Normalize(backupCode)!));

    [Benchmark(Description = "TOTP: verify a code of the previous step (SHA-1, 6 digits, ±1)")]
    public bool TotpVerify() => TotpCalculator.Default.TryMatch(totpKey, previousStepCode, now, out _);
}

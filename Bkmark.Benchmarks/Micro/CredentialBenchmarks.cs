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
    private readonly CredentialHasher _hasher = new(KeyRing.Generate());
    private readonly string _apiKey = ApiKeyFormat.Generate();
    private readonly string _backupCode = BackupCodes.Generate()[0];
    private readonly byte[] _totpKey = RandomNumberGenerator.GetBytes(20);
    private readonly DateTimeOffset _now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private string _storedBackupCodeHash = "";
    private string _previousStepCode = "";

    [GlobalSetup]
    public void Setup()
    {
        _storedBackupCodeHash = _hasher.Hash(BackupCodes.Normalize(_backupCode)!);
        // The worst accepted case: the code of the step before, so the window is searched.
        _previousStepCode = TotpCalculator.Default.Compute(_totpKey, _now.AddSeconds(-30));
    }

    /// <summary>What <c>ApiKeyVerifier</c> computes before its point read.</summary>
    [Benchmark(Description = "API key: parse + PartitionOf + HMAC row key")]
    public (string PartitionKey, string RowKey) ApiKeyLookupKeys() =>
        ApiKeyFormat.IsWellFormed(_apiKey)
            ? (CredentialHasher.PartitionOf(ApiKeyFormat.KeyPrefixOf(_apiKey)), _hasher.Hash(_apiKey))
            : throw new InvalidOperationException("The benchmark key is malformed.");

    [Benchmark(Description = "Backup code: normalise + HMAC + constant-time compare")]
    public bool BackupCodeCheck() =>
        CredentialHasher.HashesEqual(_storedBackupCodeHash, _hasher.Hash(BackupCodes.Normalize(_backupCode)!));

    [Benchmark(Description = "TOTP: verify a code of the previous step (SHA-1, 6 digits, ±1)")]
    public bool TotpVerify() => TotpCalculator.Default.TryMatch(_totpKey, _previousStepCode, _now, out _);
}

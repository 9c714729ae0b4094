using BenchmarkDotNet.Attributes;
using Bkmark.Core.ApiKeys;
using Bkmark.Core.Credentials;
using Bkmark.Core.Secrets;

namespace Bkmark.Benchmarks.Micro;

/// <summary>
/// What the request path computes before its one point read: the lookup keys of a bearer secret
/// (PartitionKey from the public prefix, RowKey = HMAC-SHA256 under the pepper), and the keyed-hash
/// comparison a backup code costs.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CredentialBenchmarks
{
    private readonly CredentialHasher _hasher = new(KeyRing.Generate());
    private readonly string _apiKey = ApiKeyFormat.Generate();
    private readonly string _backupCode = "abcde-fghjk";
    private string _storedBackupCodeHash = "";

    [GlobalSetup]
    public void Setup() => _storedBackupCodeHash = _hasher.Hash(NormalizeBackupCode(_backupCode));

    /// <summary>What <c>ApiKeyVerifier</c> computes before its point read.</summary>
    [Benchmark(Description = "API key: parse + PartitionOf + HMAC row key")]
    public (string PartitionKey, string RowKey) ApiKeyLookupKeys() =>
        ApiKeyFormat.IsWellFormed(_apiKey)
            ? (CredentialHasher.PartitionOf(ApiKeyFormat.KeyPrefixOf(_apiKey)), _hasher.Hash(_apiKey))
            : throw new InvalidOperationException("The benchmark key is malformed.");

    [Benchmark(Description = "Backup code: normalise + HMAC + constant-time compare")]
    public bool BackupCodeCheck() =>
        CredentialHasher.HashesEqual(_storedBackupCodeHash, _hasher.Hash(NormalizeBackupCode(_backupCode)));

    // Backup codes are accepted with or without the dash, in any case (DESIGN.md §2, Two-factor).
    private static string NormalizeBackupCode(string code) => code.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
}

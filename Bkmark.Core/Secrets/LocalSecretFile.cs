using System.Security.Cryptography;
using System.Text.Json;

namespace Bkmark.Core.Secrets;

/// <summary>
/// Development only: secrets missing from configuration are generated once and kept in a git-ignored
/// file, so tokens and hashed credentials survive a restart of the local host.
/// </summary>
public sealed class LocalSecretFile(ISecretProvider inner, string path) : ISecretProvider
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        var configured = await inner.GetSecretAsync(name, cancellationToken);
        if (configured is not null)
        {
            return configured;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var stored = File.Exists(path)
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(path, cancellationToken)) ?? []
                : [];
            if (stored.TryGetValue(name, out var value))
            {
                return value;
            }

            var generated = Generate(name);
            if (generated is null)
            {
                return null;
            }

            stored[name] = generated;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(stored), cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            return generated;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string? Generate(string name) => name switch
    {
        SecretNames.JwtSigningKey => Convert.ToBase64String(ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKey()),
        SecretNames.CredentialPepper or SecretNames.TotpEncryptionKey => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        _ => null,
    };
}

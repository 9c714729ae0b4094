namespace Bkmark.Core.Secrets;

/// <summary>
/// Development only: secrets missing from configuration are generated once and kept in a git-ignored
/// file, so tokens and hashed credentials survive a restart of the local host.
/// </summary>
public sealed class LocalSecretFile(ISecretProvider inner, string path) : ISecretProvider
{
    private static readonly TimeSpan LockRetryDelay = TimeSpan.FromMilliseconds(50);
    private const int LockAttempts = 200;

    public async Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        var configured = await inner.GetSecretAsync(name, cancellationToken);
        if (configured is not null)
        {
            return configured;
        }

        // Several hosts (or test fixtures) may start at once: the exclusive open is the lock that makes
        // "read, generate what is missing, write" happen once, so they all end up with the same secrets.
        await using var file = await OpenExclusiveAsync(cancellationToken);
        var stored = file.Length == 0
            ? []
            : await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(file, cancellationToken: cancellationToken) ?? [];
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
        file.SetLength(0);
        await JsonSerializer.SerializeAsync(file, stored, cancellationToken: cancellationToken);
        return generated;
    }

    private async Task<FileStream> OpenExclusiveAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var options = new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.None,
                };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                return new FileStream(path, options);
            }
            catch (IOException) when (attempt < LockAttempts)
            {
                await Task.Delay(LockRetryDelay, cancellationToken);
            }
        }
    }

    private static string? Generate(string name) => name switch
    {
        SecretNames.JwtSigningKey => Convert.ToBase64String(ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKey()),
        SecretNames.CredentialPepper or SecretNames.TotpEncryptionKey or SecretNames.OutboxEncryptionKey => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        _ => null,
    };
}

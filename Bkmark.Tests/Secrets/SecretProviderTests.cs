using System.Security.Cryptography;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Bkmark.Core.Secrets;
using Microsoft.Extensions.Configuration;
using Moq;

namespace Bkmark.Tests.Secrets;

public sealed class SecretProviderTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "bkmark-secrets-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task KeyVault_ReturnsTheSecretValue()
    {
        var client = new Mock<SecretClient>();
        client.Setup(c => c.GetSecretAsync("credential-pepper", null, It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(new KeyVaultSecret("credential-pepper", "c2VjcmV0"), Mock.Of<Response>()));

        var value = await new KeyVaultSecretProvider(client.Object).GetSecretAsync("credential-pepper", CancellationToken.None);

        Assert.Equal("c2VjcmV0", value);
    }

    [Fact]
    public async Task KeyVault_ReturnsNull_WhenSecretDoesNotExist()
    {
        var client = new Mock<SecretClient>();
        client.Setup(c => c.GetSecretAsync(It.IsAny<string>(), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(404, "SecretNotFound"));

        Assert.Null(await new KeyVaultSecretProvider(client.Object).GetSecretAsync("jwt-signing-key-previous", CancellationToken.None));
    }

    [Fact]
    public async Task KeyVault_PropagatesOtherFailures()
    {
        var client = new Mock<SecretClient>();
        client.Setup(c => c.GetSecretAsync(It.IsAny<string>(), null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RequestFailedException(403, "Forbidden"));

        await Assert.ThrowsAsync<RequestFailedException>(() =>
            new KeyVaultSecretProvider(client.Object).GetSecretAsync("credential-pepper", CancellationToken.None));
    }

    [Fact]
    public async Task KeyRing_LoadsEverySecretFromKeyVault()
    {
        var signing = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var secrets = new Dictionary<string, string>
        {
            [SecretNames.JwtSigningKey] = Convert.ToBase64String(signing.ExportPkcs8PrivateKey()),
            [SecretNames.CredentialPepper] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            [SecretNames.TotpEncryptionKey] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            [SecretNames.OutboxEncryptionKey] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        var client = new Mock<SecretClient>();
        client.Setup(c => c.GetSecretAsync(It.IsAny<string>(), null, It.IsAny<CancellationToken>()))
            .Returns((string name, string? _, CancellationToken _) => secrets.TryGetValue(name, out var value)
                ? Task.FromResult(Response.FromValue(new KeyVaultSecret(name, value), Mock.Of<Response>()))
                : Task.FromException<Response<KeyVaultSecret>>(new RequestFailedException(404, "SecretNotFound")));

        var ring = await KeyRing.LoadAsync(new KeyVaultSecretProvider(client.Object), CancellationToken.None);

        Assert.Equal(signing.ExportSubjectPublicKeyInfo(), ring.SigningKey.ExportSubjectPublicKeyInfo());
        Assert.Null(ring.PreviousSigningKey);
        Assert.Equal(Convert.FromBase64String(secrets[SecretNames.CredentialPepper]), ring.CredentialPepper);
    }

    [Fact]
    public async Task KeyRing_FailsNamingEveryMissingSecret()
    {
        var provider = new ConfigurationSecretProvider(new ConfigurationBuilder().Build());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => KeyRing.LoadAsync(provider, CancellationToken.None));

        Assert.Contains(SecretNames.JwtSigningKey, error.Message);
        Assert.Contains(SecretNames.CredentialPepper, error.Message);
        Assert.Contains(SecretNames.TotpEncryptionKey, error.Message);
        Assert.Contains(SecretNames.OutboxEncryptionKey, error.Message);
    }

    [Fact]
    public async Task KeyRing_RefusesAKeyThatIsNotP256()
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Secrets:{SecretNames.JwtSigningKey}"] = Convert.ToBase64String(ECDsa.Create(ECCurve.NamedCurves.nistP384).ExportPkcs8PrivateKey()),
            [$"Secrets:{SecretNames.CredentialPepper}"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            [$"Secrets:{SecretNames.TotpEncryptionKey}"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            [$"Secrets:{SecretNames.OutboxEncryptionKey}"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        var provider = new ConfigurationSecretProvider(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => KeyRing.LoadAsync(provider, CancellationToken.None));

        Assert.Contains("P-256", error.Message);
    }

    [Fact]
    public async Task LocalSecretFile_GeneratesOnce_AndKeepsSecretsAcrossRestarts()
    {
        var path = Path.Combine(directory, "secrets.json");
        var empty = new ConfigurationSecretProvider(new ConfigurationBuilder().Build());

        var first = await KeyRing.LoadAsync(new LocalSecretFile(empty, path), CancellationToken.None);
        var afterRestart = await KeyRing.LoadAsync(new LocalSecretFile(empty, path), CancellationToken.None);

        Assert.Equal(first.CredentialPepper, afterRestart.CredentialPepper);
        Assert.Equal(first.SigningKey.ExportSubjectPublicKeyInfo(), afterRestart.SigningKey.ExportSubjectPublicKeyInfo());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task LocalSecretFile_PrefersConfiguredSecrets()
    {
        var configured = new ConfigurationSecretProvider(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Secrets:{SecretNames.CredentialPepper}"] = "Y29uZmlndXJlZA==" })
            .Build());

        var value = await new LocalSecretFile(configured, Path.Combine(directory, "secrets.json")).GetSecretAsync(SecretNames.CredentialPepper, CancellationToken.None);

        Assert.Equal("Y29uZmlndXJlZA==", value);
        Assert.False(File.Exists(Path.Combine(directory, "secrets.json")));
    }

    [Fact]
    public async Task LocalSecretFile_ConcurrentStarts_AllGetTheSameSecrets()
    {
        var path = Path.Combine(directory, "secrets.json");
        var empty = new ConfigurationSecretProvider(new ConfigurationBuilder().Build());

        var rings = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => KeyRing.LoadAsync(new LocalSecretFile(empty, path), CancellationToken.None))));

        Assert.All(rings, ring => Assert.Equal(rings[0].CredentialPepper, ring.CredentialPepper));
        Assert.All(rings, ring => Assert.Equal(rings[0].SigningKey.ExportSubjectPublicKeyInfo(), ring.SigningKey.ExportSubjectPublicKeyInfo()));
    }
}

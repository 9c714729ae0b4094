using Microsoft.Extensions.Configuration;

namespace Bkmark.Core.Secrets;

/// <summary>Secrets from configuration (<c>Secrets__jwt-signing-key</c> etc.), e.g. Key Vault references in app settings.</summary>
public sealed class ConfigurationSecretProvider(IConfiguration configuration) : ISecretProvider
{
    public Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        var value = configuration[$"Secrets:{name}"];
        return Task.FromResult(string.IsNullOrWhiteSpace(value) ? null : value);
    }
}

using Azure;
using Azure.Security.KeyVault.Secrets;

namespace Bkmark.Core.Secrets;

/// <summary>Secrets from Azure Key Vault (<c>KeyVault__Uri</c>), read with the app's managed identity.</summary>
public sealed class KeyVaultSecretProvider(SecretClient client) : ISecretProvider
{
    public async Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.GetSecretAsync(name, version: null, cancellationToken);
            return response.Value.Value;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }
}

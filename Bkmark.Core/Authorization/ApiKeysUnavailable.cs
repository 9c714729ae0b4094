using Bkmark.Core.Errors;

namespace Bkmark.Core.Authorization;

// TEMPORARY until the API-keys work lands in this same change: refuses every key.
internal sealed class ApiKeysUnavailable : IApiKeyVerifier
{
    public Task<Result<Caller>> VerifyAsync(string rawKey, CancellationToken cancellationToken) =>
        Task.FromResult<Result<Caller>>(Problems.InvalidToken("The API key is not valid."));
}

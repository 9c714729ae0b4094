using Bkmark.Core.Accounts;
using Bkmark.Core.Authorization;
using Bkmark.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.Functions;

/// <summary>The signed-in user's profile.</summary>
public sealed class MeFunctions(AccountService accounts, RequestAuthenticator authenticator)
{
    [Function(nameof(GetMe))]
    public Task<IActionResult> GetMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => authenticator.AuthenticateAsync(request, cancellationToken),
        async caller =>
    {
        return ApiResults.From(await accounts.GetProfileAsync(caller.UserId, cancellationToken), ApiResults.Ok);
    }, cancellationToken);
}

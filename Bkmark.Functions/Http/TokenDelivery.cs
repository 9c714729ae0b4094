using Bkmark.Core.Sessions;
using Microsoft.AspNetCore.Http;

namespace Bkmark.Functions.Http;

/// <summary>Answers a sign-in or refresh: the token response in the body, or with its refresh token in the HttpOnly cookie.</summary>
public static class TokenDelivery
{
    public static JsonResponse Respond(HttpRequest request, TokenResponse tokens, bool cookie) => cookie
        ? ApiResults.Ok(tokens.WithoutRefreshToken())
            .WithHeader("Set-Cookie", RefreshTokenCookie.Issue(request, tokens.RefreshToken, tokens.RefreshExpiresIn))
        : ApiResults.Ok(tokens);
}

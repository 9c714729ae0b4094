using Bkmark.Core.Sessions;
using Microsoft.AspNetCore.Http;

namespace Bkmark.Functions.Http;

/// <summary>
/// Answers a sign-in or refresh: the token response in the body, or with its refresh token in the HttpOnly
/// cookie; a password sign-in's device token goes into its cookie too (and the body, unless cookies carry the tokens).
/// </summary>
public static class TokenDelivery
{
    public static JsonResponse Respond(HttpRequest request, TokenResponse tokens, bool cookie)
    {
        var response = cookie
            ? ApiResults.Ok(tokens.WithoutRefreshToken()).WithCookie(RefreshTokenCookie.Issue(request, tokens.RefreshToken, tokens.RefreshExpiresIn))
            : ApiResults.Ok(tokens);
        return tokens.DeviceToken is { } deviceToken ? response.WithCookie(DeviceCookie.Issue(request, deviceToken)) : response;
    }
}

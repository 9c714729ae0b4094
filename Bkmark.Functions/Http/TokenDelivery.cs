namespace Bkmark.Functions.Http;

/// <summary>
/// Answers a sign-in or refresh: the token response in the body, or with its refresh token in the HttpOnly
/// cookie; a password sign-in's device token goes into its cookie too (and the body, unless cookies carry the tokens).
/// </summary>
public static class TokenDelivery
{
    /// <summary>
    /// A sign-in that answers tokens: reads its <c>refreshTokenDelivery</c> (cookie delivery must pass the CSRF
    /// check) before <paramref name="signIn"/> runs, so a refused delivery never spends an attempt, then answers.
    /// </summary>
    public static async Task<IActionResult> SignInAsync(HttpRequest request, string? delivery, Func<Task<Result<TokenResponse>>> signIn)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        var cookieDelivery = RefreshTokenCookie.ParseDelivery(request, delivery);
        if (!cookieDelivery.Succeeded)
        {
            return ApiResults.Problem(cookieDelivery.Problem);
        }

        return ApiResults.From(await signIn(), tokens => Respond(request, tokens, cookieDelivery.Value));
    }

    public static JsonResponse Respond(HttpRequest request, TokenResponse tokens, bool cookie)
    {
        var response = cookie
            ? ApiResults.Ok(tokens.WithoutRefreshToken()).WithCookie(RefreshTokenCookie.Issue(request, tokens.RefreshToken, tokens.RefreshExpiresIn))
            : ApiResults.Ok(tokens);
        return tokens.DeviceToken is { } deviceToken ? response.WithCookie(DeviceCookie.Issue(request, deviceToken)) : response;
    }
}

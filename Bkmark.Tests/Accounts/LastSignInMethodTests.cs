using Bkmark.Core.Passkeys;
using Bkmark.Tests.Passkeys;
using Bkmark.Tests.Social;

namespace Bkmark.Tests.Accounts;

/// <summary>
/// The last-way-in rule (DESIGN.md §14) over HTTP, on an account made by a social sign-in (no password) against the
/// Local IdP: every removal of a way in (a social link, a passkey) leaves one, step by step and under a race.
/// </summary>
public sealed class LastSignInMethodTests(SocialHostFixture host) : IClassFixture<SocialHostFixture>, IDisposable
{
    private readonly TestAuthenticator first = new();
    private readonly TestAuthenticator second = new();

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task DeletePasskey_Returns409LastSignInMethod_WhenTheSocialLinkWasRemovedBeforeIt()
    {
        var (token, linkId) = await SocialOnlyAccountAsync();
        var passkeyId = await AddPasskeyAsync(token, first);

        // Step one: with the passkey in place, the link is not the last way in.
        using var unlinked = await host.SendAsync(HttpMethod.Delete, $"api/v1/me/social-accounts/{linkId}", bearer: token);
        Assert.Equal(HttpStatusCode.NoContent, unlinked.StatusCode);

        // Step two: the passkey now is.
        using var removed = await host.SendAsync(HttpMethod.Delete, $"api/v1/me/passkeys/{passkeyId}", bearer: token);

        await removed.AssertProblemAsync(HttpStatusCode.Conflict, ErrorCodes.LastSignInMethod);
        Assert.Single((await host.GetJsonAsync(token, "api/v1/me/passkeys")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task RemovingTheLastTwoWaysIn_LeavesOne_WhenTheLinkAndThePasskeyAreRemovedAtOnce()
    {
        var (token, linkId) = await SocialOnlyAccountAsync();
        var passkeyId = await AddPasskeyAsync(token, first);

        var answers = await RaceRemovalsAsync(token, $"api/v1/me/social-accounts/{linkId}", $"api/v1/me/passkeys/{passkeyId}");

        AssertOneRemoved(answers);
        Assert.Equal(1, await WaysInAsync(token));
    }

    [Fact]
    public async Task RemovingTheLastTwoWaysIn_LeavesOne_WhenTwoPasskeysAreRemovedAtOnce()
    {
        var (token, linkId) = await SocialOnlyAccountAsync();
        var firstId = await AddPasskeyAsync(token, first);
        var secondId = await AddPasskeyAsync(token, second);
        using var unlinked = await host.SendAsync(HttpMethod.Delete, $"api/v1/me/social-accounts/{linkId}", bearer: token);
        Assert.Equal(HttpStatusCode.NoContent, unlinked.StatusCode);

        var answers = await RaceRemovalsAsync(token, $"api/v1/me/passkeys/{firstId}", $"api/v1/me/passkeys/{secondId}");

        AssertOneRemoved(answers);
        Assert.Equal(1, await WaysInAsync(token));
    }

    /// <summary>Sends a DELETE to each path at the same moment.</summary>
    private Task<RacedAnswer[]> RaceRemovalsAsync(string token, params string[] paths)
    {
        var next = -1;
        return Race.SendAsync(() => host.SendAsync(HttpMethod.Delete, paths[Interlocked.Increment(ref next)], bearer: token), copies: paths.Length);
    }

    private static void AssertOneRemoved(RacedAnswer[] answers)
    {
        Assert.Single(answers, answer => answer.Status == HttpStatusCode.NoContent);
        // The other waited for the first and counted what it left; a 409 CONFLICT (retry) is the only other answer allowed.
        Assert.Single(answers, answer => answer.Code is ErrorCodes.LastSignInMethod or ErrorCodes.Conflict);
    }

    private async Task<int> WaysInAsync(string token) =>
        (await host.GetJsonAsync(token, "api/v1/me/passkeys")).GetProperty("data").GetArrayLength()
        + (await host.GetJsonAsync(token, "api/v1/me/social-accounts")).GetProperty("data").GetArrayLength();

    /// <summary>A new account made by a first social sign-in: its only way in is the link.</summary>
    private async Task<(string Token, string LinkId)> SocialOnlyAccountAsync()
    {
        using var browser = host.NewBrowser();
        var token = (await browser.SignInAsync(ApiTestClient.NewEmail())).GetProperty("accessToken").GetString()!;
        var link = Assert.Single((await host.GetJsonAsync(token, "api/v1/me/social-accounts")).GetProperty("data").EnumerateArray());
        return (token, link.GetProperty("id").GetString()!);
    }

    /// <summary>A passkey registered over HTTP; the host's relying party is the default one (<c>http://localhost:7071</c>).</summary>
    private Task<string> AddPasskeyAsync(string token, TestAuthenticator authenticator) =>
        authenticator.RegisterAsync(host.Client, token, PasskeyOptions.DefaultOrigin);
}

using System.Net.Http.Headers;

namespace Bkmark.Tests.Http;

/// <summary>DESIGN §7 "Headers" and §2 MISSING_TOKEN: what every answer of the API carries, over HTTP through the local host.</summary>
public sealed class ResponseHeadersTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task JsonAnswers_SuccessesAndProblems_CarryNosniffAndNoStore()
    {
        var registered = await host.Client.PostAsJsonAsync("api/v1/auth/register", new { email = ApiTestClient.NewEmail(), password = ApiTestClient.Password });
        var problem = await host.Client.GetAsync("api/v1/me");

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, problem.StatusCode);
        Assert.All([registered, problem], AssertApiHeaders);
    }

    [Fact]
    public async Task TokenAnswersAndExports_CarryNosniffAndNoStore()
    {
        var (_, token, _) = await host.Client.SignUpAsync();
        var (_, email) = await host.Client.RegisterAsync();

        var login = await host.Client.PostAsJsonAsync("api/v1/auth/login", new { email, password = ApiTestClient.Password });
        var export = await host.Client.SendAsync(HttpMethod.Get, "api/v1/export?format=html", bearer: token);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.All([login, export], AssertApiHeaders);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Digest username=\"ada\"")]
    [InlineData("Negotiate")]
    public async Task AnotherAuthorizationScheme_WithoutApiKey_IsMissingToken_WithABareChallenge(string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/me");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await host.Client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "MISSING_TOKEN");
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer", challenge);
        Assert.DoesNotContain("error=", challenge);
    }

    private static void AssertApiHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(new CacheControlHeaderValue { NoStore = true }, response.Headers.CacheControl);
    }
}

using System.Net.Sockets;
using System.Security.Cryptography;
using Bkmark.Core.Accounts;

namespace Bkmark.Tests.ApiKeys;

/// <summary>
/// GitHub's secret scanning reports a leaked key (DESIGN §15): signed with ECDSA P-256 over the raw body by a key GitHub
/// publishes. The test makes its own key pairs and publishes them on a local port the service is configured with, so
/// the verification under test is the production path.
/// </summary>
public sealed class GitHubLeakReportTests(GitHubLeakReportHostFixture host) : IClassFixture<GitHubLeakReportHostFixture>
{
    [Fact]
    public async Task SignedReport_RevokesTheKey_AndAnswersTruePositive()
    {
        var (key, keyId) = await LiveKeyAsync();
        var body = ReportOf(key);

        var response = await host.PostSignedAsync(body, host.Keys.Current);

        var answer = Assert.Single((await response.ReadJsonAsync()).EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true_positive", answer.GetProperty("label").GetString());
        Assert.Equal("bkmark_api_key", answer.GetProperty("token_type").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), answer.GetProperty("token_hash").GetString());
        await (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).AssertProblemAsync(HttpStatusCode.Unauthorized, "TOKEN_REVOKED");
        Assert.NotEmpty(keyId);
    }

    [Fact]
    public async Task Report_Returns401_AndRevokesNothing_WhenTheBodyWasAlteredAfterSigning()
    {
        var (key, _) = await LiveKeyAsync();
        var signed = ReportOf(key);
        var altered = ReportOf(key, url: "https://github.com/someone-else/repo/blob/main/x");

        var response = await host.PostSignedAsync(altered, host.Keys.Current, signatureOver: signed);

        await AssertRefusedAsync(response, key);
    }

    [Fact]
    public async Task Report_Returns401_WhenTheKeyIdentifierIsUnknownEvenAfterARefetch()
    {
        var (key, _) = await LiveKeyAsync();
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var response = await host.PostSignedAsync(ReportOf(key), new PublishedKey("f00d" + Guid.NewGuid().ToString("N"), stranger));

        await AssertRefusedAsync(response, key);
    }

    [Fact]
    public async Task Report_Returns401_WithNeitherASignatureNorTheFunctionKey()
    {
        var (key, _) = await LiveKeyAsync();

        var response = await host.Client.PostAsync("api/v1/api-keys/leaked", new ByteArrayContent(ReportOf(key)));

        await AssertRefusedAsync(response, key);
    }

    [Fact]
    public async Task SignedReport_WithAKeyGitHubPublishedSinceTheLastFetch_IsVerifiedAfterARefetch()
    {
        // Arrange: the service has GitHub's keys cached; then GitHub rotates to a new key.
        var (first, _) = await LiveKeyAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.PostSignedAsync(ReportOf(first), host.Keys.Current)).StatusCode);
        var fetchesBefore = host.Keys.Fetches;
        using var rotatedKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rotated = new PublishedKey(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), rotatedKey);
        host.Keys.Publish(rotated);
        var (second, _) = await LiveKeyAsync();

        // Act
        var response = await host.PostSignedAsync(ReportOf(second), rotated);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true_positive", (await response.ReadJsonAsync())[0].GetProperty("label").GetString());
        Assert.Equal(fetchesBefore + 1, host.Keys.Fetches);
    }

    private async Task<(string Key, string Id)> LiveKeyAsync()
    {
        var user = await host.SignUpAsync();
        var created = await host.SendForJsonAsync(
            HttpMethod.Post, "api/v1/api-keys", new { name = "deploy", scopes = new[] { "bookmarks:read" } }, user.AccessToken, HttpStatusCode.Created);
        return (created.GetProperty("key").GetString()!, created.GetProperty("id").GetString()!);
    }

    private static byte[] ReportOf(string key, string url = "https://github.com/octo-org/octo-repo/blob/main/deploy.sh") =>
        JsonSerializer.SerializeToUtf8Bytes(new[] { new { token = key, type = "bkmark_api_key", url, source = "content" } });

    private async Task AssertRefusedAsync(HttpResponseMessage response, string key)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: key)).StatusCode);
    }
}

/// <summary>A key pair whose public half is published under <see cref="Identifier"/>.</summary>
public sealed record PublishedKey(string Identifier, ECDsa Key);

/// <summary>
/// GitHub's <c>meta/public_keys/secret_scanning</c> document served on a free local port: the keys the test signs with.
/// </summary>
public sealed class GitHubKeysServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly List<PublishedKey> keys = [];
    private readonly Lock gate = new();
    private int fetches;

    public GitHubKeysServer()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/meta/public_keys/secret_scanning";
        }

        listener.Prefixes.Add(Url[..(Url.IndexOf("/meta", StringComparison.Ordinal) + 1)]);
        listener.Start();
        Current = new PublishedKey(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), ECDsa.Create(ECCurve.NamedCurves.nistP256));
        Publish(Current);
        _ = ServeAsync();
    }

    public string Url { get; }

    /// <summary>The key published from the start.</summary>
    public PublishedKey Current { get; }

    /// <summary>How many times the document was fetched.</summary>
    public int Fetches => Volatile.Read(ref fetches);

    public void Publish(PublishedKey key)
    {
        lock (gate)
        {
            keys.Add(key);
        }
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref fetches);
            string document;
            lock (gate)
            {
                document = JsonSerializer.Serialize(new
                {
                    public_keys = keys.Select(k => new { key_identifier = k.Identifier, key = k.Key.ExportSubjectPublicKeyInfoPem(), is_current = k == Current }),
                });
            }

            var bytes = Encoding.UTF8.GetBytes(document);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        listener.Close();
        Current.Key.Dispose();
    }
}

/// <summary>The local host configured with a <see cref="GitHubKeysServer"/> as GitHub, keys cached, and no pause between refetches.</summary>
public sealed class GitHubLeakReportHostFixture : LocalHostFixture, IAsyncLifetime
{
    public GitHubLeakReportHostFixture()
        : this(new GitHubKeysServer())
    {
    }

    private GitHubLeakReportHostFixture(GitHubKeysServer keys)
        : base(new Dictionary<string, string?>
        {
            ["LeakReports:GitHubKeysUrl"] = keys.Url,
            ["LeakReports:GitHubKeysRefetchInterval"] = "00:00:00",
        }) => Keys = keys;

    public GitHubKeysServer Keys { get; }

    protected override string DefaultPlan => Plans.Pro;

    /// <summary>POSTs <paramref name="body"/> as GitHub does: raw bytes, signed (over <paramref name="signatureOver"/>, default the body) with <paramref name="key"/>.</summary>
    public Task<HttpResponseMessage> PostSignedAsync(byte[] body, PublishedKey key, byte[]? signatureOver = null)
    {
        var signature = key.Key.SignData(signatureOver ?? body, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/api-keys/leaked") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("Github-Public-Key-Identifier", key.Identifier);
        request.Headers.Add("Github-Public-Key-Signature", Convert.ToBase64String(signature));
        return Client.SendAsync(request);
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Keys.Dispose();
    }
}

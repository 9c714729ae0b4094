using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Who may report leaked keys (DESIGN §15): GitHub's secret scanning, by an ECDSA P-256 signature over the raw body
/// (<c>Github-Public-Key-Identifier</c>, <c>Github-Public-Key-Signature</c>: SHA-256, DER, base64) checked against the
/// keys GitHub publishes; or another partner holding the reporters' function key (<c>x-functions-key</c>). Anyone else: 401.
/// </summary>
/// <remarks>
/// The published keys are cached for <see cref="LeakReportOptions.GitHubKeysCacheDuration"/> and fetched again when a
/// request names an identifier the cache lacks (GitHub rotates keys), at most once per
/// <see cref="LeakReportOptions.GitHubKeysRefetchInterval"/>, so forged identifiers cannot make this service flood GitHub.
/// </remarks>
public sealed partial class LeakReporters : IDisposable
{
    private readonly HttpClient http;
    private readonly LeakReportOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<LeakReporters> logger;
    private readonly SemaphoreSlim fetching = new(1, 1);
    private readonly byte[]? functionKeyHash;
    private PublishedKeys? published;
    private DateTimeOffset lastFetchAt = DateTimeOffset.MinValue;

    public LeakReporters(IOptions<LeakReportOptions> options, TimeProvider time, ILogger<LeakReporters> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.time = time;
        this.logger = logger;
        http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
        {
            Timeout = TimeSpan.FromSeconds(10),
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("Bkmark-LeakReports/1.0");
        functionKeyHash = string.IsNullOrEmpty(this.options.FunctionKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(this.options.FunctionKey));
    }

    /// <summary>Null when the request comes from GitHub (a valid signature) or holds the function key; else a 401.</summary>
    public async Task<Problem?> CheckAsync(
        string? functionKey, string? gitHubKeyIdentifier, string? gitHubSignature, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(gitHubKeyIdentifier) && !string.IsNullOrEmpty(gitHubSignature))
        {
            if (await IsGitHubSignatureAsync(gitHubKeyIdentifier, gitHubSignature, body, cancellationToken))
            {
                return null;
            }

            LogBadSignature(logger, gitHubKeyIdentifier);
            return Problems.InvalidToken("The GitHub signature does not verify for this body and key identifier.");
        }

        if (functionKey is not null && functionKeyHash is not null
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(functionKey)), functionKeyHash))
        {
            return null;
        }

        return functionKey is null
            ? new Problem(ErrorCodes.MissingToken, "Send GitHub's Github-Public-Key-Identifier and Github-Public-Key-Signature headers, or the function key.")
            : Problems.InvalidToken("The function key is not valid.");
    }

    private async Task<bool> IsGitHubSignatureAsync(string keyIdentifier, string signature, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        byte[] der;
        try
        {
            der = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return false;
        }

        if (await FindKeyAsync(keyIdentifier, cancellationToken) is not { } pem)
        {
            return false;
        }

        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (ArgumentException)
        {
            return false;
        }

        return key.KeySize == 256 && key.VerifyData(body.Span, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>The PEM of the published key with this identifier: from the cache, or fetched when the cache is stale or lacks it.</summary>
    private async Task<string?> FindKeyAsync(string keyIdentifier, CancellationToken cancellationToken)
    {
        if (Lookup(keyIdentifier, fresh: true) is { } cached)
        {
            return cached;
        }

        await fetching.WaitAsync(cancellationToken);
        try
        {
            // Another request may have fetched while this one waited.
            if (Lookup(keyIdentifier, fresh: true) is { } fetched)
            {
                return fetched;
            }

            var now = time.GetUtcNow();
            var stale = published is null || now - published.FetchedAt >= options.GitHubKeysCacheDuration;
            if (stale || now - lastFetchAt >= options.GitHubKeysRefetchInterval)
            {
                lastFetchAt = now;
                published = await FetchAsync(now, cancellationToken) ?? published;
            }

            return Lookup(keyIdentifier, fresh: false);
        }
        finally
        {
            fetching.Release();
        }
    }

    private string? Lookup(string keyIdentifier, bool fresh)
    {
        var keys = published;
        if (keys is null || fresh && time.GetUtcNow() - keys.FetchedAt >= options.GitHubKeysCacheDuration)
        {
            return null;
        }

        return keys.Keys.GetValueOrDefault(keyIdentifier);
    }

    /// <summary>GitHub's document: <c>{"public_keys": [{"key_identifier", "key" (PEM), "is_current"}]}</c>. Null when it cannot be had.</summary>
    private async Task<PublishedKeys?> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(options.GitHubKeysUrl), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogFetchFailed(logger, (int)response.StatusCode);
                return null;
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("public_keys", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var entry in list.EnumerateArray())
                {
                    if (entry.ValueKind == JsonValueKind.Object
                        && entry.TryGetProperty("key_identifier", out var id) && id.ValueKind == JsonValueKind.String
                        && entry.TryGetProperty("key", out var pem) && pem.ValueKind == JsonValueKind.String)
                    {
                        keys[id.GetString()!] = pem.GetString()!;
                    }
                }
            }

            LogFetched(logger, keys.Count);
            return new PublishedKeys(keys, now);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogFetchFailed(logger, 0);
            return null;
        }
    }

    public void Dispose()
    {
        http.Dispose();
        fetching.Dispose();
    }

    private sealed record PublishedKeys(IReadOnlyDictionary<string, string> Keys, DateTimeOffset FetchedAt);

    [LoggerMessage(EventId = 3212, Level = LogLevel.Information, Message = "Fetched {Count} GitHub secret-scanning public keys")]
    private static partial void LogFetched(ILogger logger, int count);

    [LoggerMessage(EventId = 3213, Level = LogLevel.Warning, Message = "Could not fetch GitHub's secret-scanning public keys (status {Status}); the cached keys stay in use")]
    private static partial void LogFetchFailed(ILogger logger, int status);

    [LoggerMessage(EventId = 3214, Level = LogLevel.Warning, Message = "Leak report refused: its GitHub signature does not verify (key identifier {KeyIdentifier})")]
    private static partial void LogBadSignature(ILogger logger, string keyIdentifier);
}

/// <summary>Settings: <c>LeakReports__GitHubKeysUrl</c>, <c>LeakReports__FunctionKey</c> (from the secret store), …</summary>
public sealed class LeakReportOptions
{
    public const string Section = "LeakReports";

    /// <summary>Where GitHub publishes the keys it signs secret-scanning reports with.</summary>
    [Required]
    [Url]
    public string GitHubKeysUrl { get; set; } = "https://api.github.com/meta/public_keys/secret_scanning";

    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan GitHubKeysCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The least time between two fetches caused by unknown key identifiers.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan GitHubKeysRefetchInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The key other secret-scanning partners send as <c>x-functions-key</c>. The route is anonymous to the host (GitHub
    /// sends no function key), so the service checks this itself; unset, only GitHub's signed reports are accepted.
    /// </summary>
    public string? FunctionKey { get; set; }
}

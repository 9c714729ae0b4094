using System.Net.Http.Headers;

namespace Bkmark.Core.Passwords;

/// <summary>
/// Asks the Pwned Passwords range API whether a password is in a known breach, by k-anonymity: only the first
/// 5 hex characters of its SHA-1 leave this service, and the answer lists every known suffix under that prefix
/// (padded with <c>:0</c> entries, so its size does not tell the prefix either). An outage never blocks anyone:
/// the check fails open, with a warning.
/// </summary>
public sealed partial class BreachedPasswords(IOptions<PasswordOptions> options, ILogger<BreachedPasswords> logger) : IDisposable
{
    /// <summary>The characters of the SHA-1's hex form that are sent; the rest never leave.</summary>
    public const int PrefixLength = 5;

    private readonly HttpClient http = CreateClient(options.Value);

    /// <returns>True when the range lists the password with a count above zero; false when it does not, or when the
    /// range could not be read in time (fail open: logged as a warning).</returns>
    public async Task<bool> IsBreachedAsync(string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        // SHA-1 because the range API is keyed by it; this is a lookup, not how passwords are stored.
#pragma warning disable CA5350
        var hash = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
#pragma warning restore CA5350
        var prefix = hash[..PrefixLength];
        var suffix = hash[PrefixLength..];
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, options.Value.BreachRangeUrl + prefix);
            // Every answer then holds 800–1,000 lines, so an observer of the encrypted traffic cannot tell the prefix by size.
            request.Headers.Add("Add-Padding", "true");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogUnavailable(logger, $"status {(int)response.StatusCode}");
                return false;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return Lists(body, suffix);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, exception is HttpRequestException http ? http.HttpRequestError.ToString() : "timed out");
            return false;
        }
    }

    /// <summary>Whether the range's <c>SUFFIX:COUNT</c> lines hold <paramref name="suffix"/> with a count above zero (padding is <c>:0</c>).</summary>
    private static bool Lists(string body, string suffix)
    {
        foreach (var line in body.AsSpan().EnumerateLines())
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim().Equals(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return long.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0;
            }
        }

        return false;
    }

    public void Dispose() => http.Dispose();

    // A wall-clock timeout on purpose: it bounds how long a person waits for a remote service, which no test clock
    // should stretch.
    private static HttpClient CreateClient(PasswordOptions options)
    {
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
        {
            Timeout = options.BreachCheckTimeout,
        };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Bkmark", "1.0"));
        return client;
    }

    [LoggerMessage(EventId = 9601, Level = LogLevel.Warning, Message = "Breached-password check skipped, the range API could not be read ({Reason}); the password was let through")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}

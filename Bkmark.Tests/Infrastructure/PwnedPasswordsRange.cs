using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bkmark.Tests.Infrastructure;

/// <summary>
/// A local stand-in for the Pwned Passwords range API, in its own text format: <c>GET /range/{5 hex}</c> answers
/// <c>SUFFIX:COUNT</c> lines for the suffixes a test marked breached, plus <c>:0</c> padding lines when asked with
/// <c>Add-Padding: true</c>. <c>GET /slow/range/{prefix}</c> answers only when the caller gives up. It records what
/// each request carried, so tests can show that no more than the prefix ever left. Every test host points at it
/// (<c>Passwords:BreachRangeUrl</c>): no test reaches the internet.
/// </summary>
public sealed class PwnedPasswordsRange
{
    private static readonly Lazy<Task<PwnedPasswordsRange>> SharedServer = new(StartAsync);

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, int>> breached = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<RangeRequest> requests = new();
    private string url = "";

    /// <summary>The one server of this test run, started on first use.</summary>
    public static Task<PwnedPasswordsRange> SharedAsync() => SharedServer.Value;

    /// <summary>The range URL to configure (the prefix is appended).</summary>
    public string RangeUrl => url + "range/";

    /// <summary>A range URL whose requests hang until the caller gives up.</summary>
    public string SlowRangeUrl => url + "slow/range/";

    public IReadOnlyList<RangeRequest> Requests => [.. requests];

    /// <summary>Lists <paramref name="password"/> as seen <paramref name="count"/> times in breaches.</summary>
    public void MarkBreached(string password, int count = 42)
    {
        var (prefix, suffix) = Split(password);
        breached.GetOrAdd(prefix, _ => new ConcurrentDictionary<string, int>(StringComparer.OrdinalIgnoreCase))[suffix] = count;
    }

    /// <summary>The SHA-1 of <paramref name="password"/> in upper-case hex, split after 5 characters, as the API keys it.</summary>
    public static (string Prefix, string Suffix) Split(string password)
    {
#pragma warning disable CA5350 // The range API's own key.
        var hash = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
#pragma warning restore CA5350
        return (hash[..5], hash[5..]);
    }

    private static async Task<PwnedPasswordsRange> StartAsync()
    {
        var range = new PwnedPasswordsRange();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/range/{prefix}", (string prefix, HttpRequest request) => range.Answer(prefix, request, slow: false));
        app.MapGet("/slow/range/{prefix}", async (string prefix, HttpRequest request) =>
        {
            range.Answer(prefix, request, slow: true);
            // Never answers in time: the caller's timeout ends it (bounded, so the server never keeps a request for long).
            await Task.Delay(TimeSpan.FromSeconds(30), request.HttpContext.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Empty;
        });
        await app.StartAsync();
        range.url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
        return range;
    }

    private IResult Answer(string prefix, HttpRequest request, bool slow)
    {
        var padding = request.Headers["Add-Padding"].ToString();
        requests.Enqueue(new RangeRequest(request.Path + request.QueryString, prefix, padding, request.ContentLength ?? 0, slow));
        var lines = new List<string>();
        if (breached.TryGetValue(prefix, out var known))
        {
            lines.AddRange(known.Select(entry => $"{entry.Key}:{entry.Value}"));
        }

        if (string.Equals(padding, "true", StringComparison.OrdinalIgnoreCase))
        {
            // The real API pads every answer to 800–1,000 lines with random suffixes counted 0.
            lines.AddRange(Enumerable.Range(0, 800).Select(_ => Convert.ToHexString(RandomNumberGenerator.GetBytes(18))[..35] + ":0"));
        }

        return Results.Text(string.Join("\r\n", lines), "text/plain");
    }
}

/// <summary>What one range request carried: its path and query, the prefix, the <c>Add-Padding</c> header, any body.</summary>
public sealed record RangeRequest(string PathAndQuery, string Prefix, string AddPadding, long BodyLength, bool Slow);

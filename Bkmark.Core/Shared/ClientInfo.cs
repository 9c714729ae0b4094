using Microsoft.AspNetCore.Http;

namespace Bkmark.Core.Shared;

/// <summary>Who is signing in, as far as the request tells: browser and address.</summary>
public sealed record ClientInfo(string? UserAgent, string? IpAddress)
{
    private const int MaxUserAgentLength = 512;

    /// <summary>A caller built outside a request (a service acting for the owner, a test): nothing is known.</summary>
    public static readonly ClientInfo Unknown = new(null, null);

    /// <summary>
    /// The client IP is the connection's address as the host presents it (DESIGN.md §2). Never a header: in
    /// Azure the worker's forwarded-headers step has already put the front end's client address on the
    /// connection, and a client's own <c>X-Forwarded-For</c> would let it choose the address its session shows.
    /// </summary>
    public static ClientInfo From(HttpRequest request)
    {
        var userAgent = request.Headers.UserAgent.ToString();
        if (userAgent.Length > MaxUserAgentLength)
        {
            userAgent = userAgent[..MaxUserAgentLength];
        }

        string? ip = request.HttpContext.Connection.RemoteIpAddress is { } remote
            ? (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString()
            : null;

        return new ClientInfo(string.IsNullOrWhiteSpace(userAgent) ? null : userAgent, ip);
    }
}

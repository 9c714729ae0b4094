using System.Net;
using Microsoft.AspNetCore.Http;

namespace Bkmark.Core.Sessions;

/// <summary>Who is signing in, as far as the request tells: browser and address.</summary>
public sealed record ClientInfo(string? UserAgent, string? IpAddress)
{
    private const int MaxUserAgentLength = 512;

    /// <summary>The client IP is the first <c>X-Forwarded-For</c> hop when present (the front door adds it), else the connection's.</summary>
    public static ClientInfo From(HttpRequest request)
    {
        var userAgent = request.Headers.UserAgent.ToString();
        if (userAgent.Length > MaxUserAgentLength)
        {
            userAgent = userAgent[..MaxUserAgentLength];
        }

        string? ip = null;
        var forwarded = request.Headers["X-Forwarded-For"].ToString();
        if (!string.IsNullOrWhiteSpace(forwarded))
        {
            var first = forwarded.Split(',')[0].Trim();
            if (IPAddress.TryParse(first, out var parsed))
            {
                ip = parsed.ToString();
            }
        }

        ip ??= request.HttpContext.Connection.RemoteIpAddress is { } remote
            ? (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString()
            : null;

        return new ClientInfo(string.IsNullOrWhiteSpace(userAgent) ? null : userAgent, ip);
    }
}

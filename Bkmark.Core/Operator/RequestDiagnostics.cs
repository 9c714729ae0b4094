using Microsoft.AspNetCore.Http;

namespace Bkmark.Core.Operator;

/// <summary>
/// <c>GET /admin/diagnostics/request</c> (DESIGN §16): what a function derives from the very request it serves, and the
/// forwarding headers that reached it. After a deployment one call shows whether the client-address chain of DESIGN §1
/// holds there (the front end appends the client, the Functions host forwards, the worker puts it on the connection): key
/// fences and per-address throttles rely on it. Reads the request only; writes nothing.
/// </summary>
public static class RequestDiagnostics
{
    /// <summary>
    /// The headers that carry a proxy's view of the client: the de-facto <c>X-Forwarded-*</c> trio and RFC 7239's
    /// <c>Forwarded</c>, which the worker's forwarded-headers step consumes; the <c>X-Original-*</c> values that step leaves
    /// when it applied some; and <c>X-Client-IP</c>, which App Service's front end adds beside them.
    /// </summary>
    public static IReadOnlyList<string> ForwardingHeaderNames { get; } =
    [
        "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded",
        "X-Original-For", "X-Original-Proto", "X-Original-Host", "X-Client-IP",
    ];

    public static RequestSeen Describe(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = ForwardingHeaderNames
            .Where(name => request.Headers.ContainsKey(name))
            .Select(name => new ForwardingHeader(name, request.Headers[name].ToString()))
            .ToList();
        // The address every function uses (sessions, the security log, key fences, throttles), derived the one way they do.
        return new RequestSeen(ClientInfo.From(request).IpAddress, request.Scheme, request.Host.Value ?? "", headers);
    }
}

/// <summary>What a function saw of a request: the client address, scheme and host it uses, and the forwarding headers present.</summary>
public sealed record RequestSeen(string? ClientAddress, string Scheme, string Host, IReadOnlyList<ForwardingHeader> ForwardingHeaders);

/// <summary>One forwarding header as it reached the function (several values joined with commas).</summary>
public sealed record ForwardingHeader(string Name, string Value);

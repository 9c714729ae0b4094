using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Bkmark.LocalHost;

/// <summary>
/// Plays Azure's front end for the client address and scheme (DESIGN.md §2): walks <c>X-Forwarded-For</c>
/// and <c>X-Forwarded-Proto</c> from the right, past the proxies this machine trusts, and puts the first
/// untrusted hop on the connection, where a function reads it. Then no <c>X-Forwarded-*</c> header goes on
/// to a function, as in Azure, where the host replaces them with what it saw itself.
/// </summary>
/// <remarks>
/// <c>LocalHost:TrustedNetworks</c> is a comma-separated list of CIDR ranges. Unset, it trusts loopback and
/// the private ranges (a reverse proxy or container network on this machine); set but empty, it trusts
/// none, and every request's address is its connection's.
/// </remarks>
internal static class FrontEndForwarding
{
    public const string TrustedNetworksKey = "LocalHost:TrustedNetworks";

    public static readonly IReadOnlyList<IPNetwork> DefaultTrustedNetworks =
    [
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("fc00::/7"),
    ];

    private const string ForwardedHeaderPrefix = "X-Forwarded-";

    /// <exception cref="InvalidOperationException">The setting holds something that is not a CIDR range.</exception>
    public static IReadOnlyList<IPNetwork> ReadTrustedNetworks(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? setting = configuration.GetSection(TrustedNetworksKey).Value;
        if (setting is null)
        {
            return DefaultTrustedNetworks;
        }

        var networks = new List<IPNetwork>();
        foreach (string range in setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPNetwork.TryParse(range, out var network))
            {
                throw new InvalidOperationException(
                    $"{TrustedNetworksKey} has '{range}', which is not a CIDR range such as 10.0.0.0/8 or fd00::/8.");
            }

            networks.Add(network);
        }

        return networks;
    }

    public static void Use(IApplicationBuilder app, IReadOnlyList<IPNetwork> trustedNetworks)
    {
        // ASP.NET Core's middleware believes every proxy when it knows none, so "trust none" means no middleware.
        if (trustedNetworks.Count > 0)
        {
            var options = new ForwardedHeadersOptions
            {
                ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
                // Walk every hop, not only the last: behind two trusted proxies the client is the third from the right.
                ForwardLimit = null,
            };
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in trustedNetworks)
            {
                options.KnownIPNetworks.Add(network);
            }

            app.UseForwardedHeaders(options);
        }

        app.Use((context, next) =>
        {
            // What the middleware did not consume (everything, when the connection is not a trusted proxy)
            // is the client's own claim; a function never sees it.
            foreach (string name in context.Request.Headers.Keys.Where(IsForwardedHeader).ToArray())
            {
                context.Request.Headers.Remove(name);
            }

            return next(context);
        });
    }

    private static bool IsForwardedHeader(string name) =>
        name.StartsWith(ForwardedHeaderPrefix, StringComparison.OrdinalIgnoreCase);
}

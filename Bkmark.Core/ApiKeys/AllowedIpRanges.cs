using System.Net;
using System.Net.Sockets;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// A key's <c>allowedIps</c> (DESIGN §10): IPv4 and IPv6 CIDR ranges, stored on every live credential of the
/// key so the request path checks them inside its one point read. An empty list means anywhere.
/// </summary>
public static class AllowedIpRanges
{
    /// <summary>Enough for any office, VPN and CI fleet; keeps the credential entity (and the per-request parse) small.</summary>
    public const int MaxRanges = 100;

    /// <summary>
    /// Parses the ranges into their canonical CIDR form (a bare address is a one-address range). Refuses a
    /// range with host bits set (<c>10.0.0.1/8</c>): it usually means a typo, and silently widening it would
    /// let in more than the person meant.
    /// </summary>
    /// <returns>The canonical ranges, or the message naming the first bad entry.</returns>
    public static (IReadOnlyList<string>? Ranges, string? Error) Parse(IReadOnlyList<string?> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count > MaxRanges)
        {
            return (null, $"At most {MaxRanges} ranges are allowed.");
        }

        var ranges = new List<string>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (TryParseRange(entries[i]?.Trim()) is not { } network)
            {
                return (null, $"Entry {i} ('{entries[i]}') is not an IPv4 or IPv6 CIDR range such as 203.0.113.0/24 or 2001:db8::/32.");
            }

            ranges.Add(network.ToString());
        }

        return (ranges.Distinct(StringComparer.Ordinal).ToList(), null);
    }

    /// <summary>Whether <paramref name="clientIp"/> (the §2 client address) lies in one of <paramref name="ranges"/>; any address when there are none.</summary>
    public static bool Allows(IReadOnlyList<string> ranges, string? clientIp)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        if (ranges.Count == 0)
        {
            return true;
        }

        if (!IPAddress.TryParse(clientIp, out var address))
        {
            return false;
        }

        // An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d; its IPv4 ranges must still match.
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var range in ranges)
        {
            if (IPNetwork.TryParse(range, out var network) && network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a key fenced to <paramref name="inner"/> can be used from nowhere that <paramref name="outer"/> refuses:
    /// every inner range lies inside one outer range. No fence (empty) is everywhere, so it lies inside only no fence.
    /// </summary>
    public static bool IsWithin(IReadOnlyList<string> inner, IReadOnlyList<string> outer)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(outer);
        if (outer.Count == 0)
        {
            return true;
        }

        var outerNetworks = outer.Select(range => IPNetwork.TryParse(range, out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>().ToList();
        return inner.Count > 0 && inner.All(range =>
            IPNetwork.TryParse(range, out var network)
            && outerNetworks.Any(o => o.PrefixLength <= network.PrefixLength && o.Contains(network.BaseAddress)));
    }

    private static IPNetwork? TryParseRange(string? entry)
    {
        // IPAddress also reads "10" as 0.0.0.10 and takes IPv6 zone ids; neither is a range anyone means.
        if (string.IsNullOrEmpty(entry) || entry.IndexOfAny(['.', ':']) < 0 || entry.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }

        if (!entry.Contains('/', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(entry, out var single) && !single.IsIPv4MappedToIPv6
                ? new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
                : null;
        }

        // IPNetwork.TryParse quietly clears host bits; refuse them instead (see Parse).
        return IPNetwork.TryParse(entry, out var network)
            && IPAddress.TryParse(entry.AsSpan(0, entry.IndexOf('/', StringComparison.Ordinal)), out var written)
            && written.Equals(network.BaseAddress)
            ? network
            : null;
    }
}

using System.Net.Sockets;

namespace Bkmark.Tests.Infrastructure;

/// <summary>
/// Another person on this machine: every 127.x.y.z address is loopback, so a client whose connections leave from
/// <c>127.0.0.2</c> reaches the test host on <c>127.0.0.1</c> and the host sees that other address as the client's
/// (what the security log, its emails and the security review name).
/// </summary>
public static class LoopbackPeers
{
    /// <summary>An address other than the tests' own, for the intruder of a two-person test.</summary>
    public static readonly IPAddress Intruder = IPAddress.Parse("127.0.0.2");

    /// <summary>A handler whose connections leave from <paramref name="source"/> (no cookie jar, unless one is given).</summary>
    public static SocketsHttpHandler HandlerFrom(IPAddress source, CookieContainer? cookies = null) => new()
    {
        UseCookies = cookies is not null,
        CookieContainer = cookies ?? new CookieContainer(),
        AllowAutoRedirect = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>A client of <paramref name="host"/> whose requests come from <paramref name="source"/>.</summary>
    public static HttpClient ClientFrom(IPAddress source, Uri host) => new(HandlerFrom(source)) { BaseAddress = host };
}

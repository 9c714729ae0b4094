using System.Net.Sockets;

namespace Bkmark.Tests.Passkeys;

/// <summary>
/// The local host on <c>http://localhost:port</c>, not 127.0.0.1: browsers allow WebAuthn only in a secure
/// context, and <c>localhost</c> is one. The relying party's origin is that address.
/// </summary>
public sealed class PasskeyHostFixture : LocalHostFixture
{
    public PasskeyHostFixture()
        : this(FreeLoopbackPort())
    {
    }

    private PasskeyHostFixture(int port)
        : base(new Dictionary<string, string?>
        {
            // Kestrel cannot bind "localhost" to port 0, so pick a free port first.
            ["urls"] = $"http://localhost:{port}",
            ["Passkeys:Origins:0"] = $"http://localhost:{port}",
            // Links in emails open the page this host serves.
            ["App:PublicUrl"] = $"http://localhost:{port}",
        })
    {
        Origin = $"http://localhost:{port}";
    }

    /// <summary>The page's origin, as a browser reports it in clientDataJSON.</summary>
    public string Origin { get; }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

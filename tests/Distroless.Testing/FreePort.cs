using System.Net;
using System.Net.Sockets;

namespace Distroless.Testing;

/// <summary>Free TCP ports on 127.0.0.1 for servers that cannot report the port they bound themselves.</summary>
public static class FreePort
{
    /// <summary>
    /// A port the kernel just handed out and released. Another process may take it before the
    /// caller binds it; callers that start a child on it retry with a new port when the bind fails.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

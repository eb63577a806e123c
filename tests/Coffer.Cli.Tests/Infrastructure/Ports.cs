using System.Net;
using System.Net.Sockets;

namespace Coffer.Cli.Tests.Infrastructure;

internal static class Ports
{
    /// <summary>A loopback port nothing listens on (it was free a moment ago, which is as good as it gets).</summary>
    public static int Unused()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

using System.Net;
using System.Net.Sockets;

namespace Upres.Service.Security;

/// An HttpClient for untrusted URLs: no automatic redirects, no proxy, and a ConnectCallback that
/// resolves the host itself, checks every address and connects to a checked one, so the address
/// checked is the address used.
public static class SafeHttp
{
    public static HttpClient CreateClient(UrlGuard guard, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 64,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var addresses = await guard.CheckHostAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken);
                Exception? last = null;
                foreach (var address in addresses)
                {
                    var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch (Exception e) when (e is SocketException or OperationCanceledException)
                    {
                        socket.Dispose();
                        last = e;
                        if (e is OperationCanceledException)
                        {
                            throw;
                        }
                    }
                }

                throw new HttpRequestException($"could not connect to {context.DnsEndPoint.Host}", last);
            },
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
    }
}

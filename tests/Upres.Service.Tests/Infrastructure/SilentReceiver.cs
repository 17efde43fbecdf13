using System.Net;
using System.Net.Sockets;

namespace Upres.Service.Tests.Infrastructure;

/// A webhook receiver that accepts connections, reads what comes and never answers: the receiver
/// that holds a sender until its deadline. Counts connections open at once.
public sealed class SilentReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Lock _gate = new();
    private Task _accepting = Task.CompletedTask;
    private int _open;
    private int _maxOpen;
    private int _accepted;

    public int Accepted => Volatile.Read(ref _accepted);

    public int MaxOpenAtOnce => Volatile.Read(ref _maxOpen);

    public string Url(string path = "/hook") => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}";

    public static SilentReceiver Start()
    {
        var receiver = new SilentReceiver();
        receiver._listener.Start();
        receiver._accepting = receiver.AcceptAsync();
        return receiver;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_gate)
                {
                    _clients.Add(client);
                }

                Interlocked.Increment(ref _accepted);
                var open = Interlocked.Increment(ref _open);
                for (var max = Volatile.Read(ref _maxOpen); open > max; max = Volatile.Read(ref _maxOpen))
                {
                    Interlocked.CompareExchange(ref _maxOpen, open, max);
                }

                _ = DrainAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task DrainAsync(TcpClient client)
    {
        var buffer = new byte[4096];
        try
        {
            var stream = client.GetStream();
            while (await stream.ReadAsync(buffer, _stop.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_gate)
        {
            foreach (var c in _clients)
            {
                c.Dispose();
            }
        }

        _stop.Dispose();
    }
}

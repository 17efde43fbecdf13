using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Upres.Service.Tests.Infrastructure;

/// A loopback server that declares a 100 MB video and sends it at about 4 KB/s: a create that
/// downloads anything in the request would outlive any client's timeout.
public sealed class TrickleServer : LoopbackServer
{
    public const long DeclaredBytes = 100L * 1024 * 1024;

    private readonly CancellationTokenSource _stop = new();
    private int _requests;

    /// Requests received so far, answered or not.
    public int Requests => Volatile.Read(ref _requests);

    public string SlowUrl(string name = "big.mp4") => Url("/slow/" + name);

    public static Task<TrickleServer> StartAsync() => StartAsync(new TrickleServer());

    protected override void Map(WebApplication app) =>
        app.MapGet("/slow/{name}", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _requests);
            context.Response.ContentType = "video/mp4";
            context.Response.ContentLength = DeclaredBytes;
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stop.Token);
            var chunk = new byte[1024];
            try
            {
                for (long sent = 0; sent < DeclaredBytes; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk, both.Token);
                    await context.Response.Body.FlushAsync(both.Token);
                    await Task.Delay(250, both.Token);
                }
            }
            catch (OperationCanceledException)
            {
                context.Abort();
            }
        });

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await base.DisposeAsync();
        _stop.Dispose();
    }
}

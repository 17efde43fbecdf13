using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Upres.Service.Tests.Infrastructure;

/// A loopback server that declares a 100 MB video and sends it at about 4 KB/s: a create that
/// downloads anything in the request would outlive any client's timeout.
public sealed class TrickleServer : IAsyncDisposable
{
    public const long DeclaredBytes = 100L * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stop = new();
    private int _requests;

    private TrickleServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// Requests received so far, answered or not.
    public int Requests => Volatile.Read(ref _requests);

    public string Url(string name = "big.mp4") => new Uri(BaseAddress, "/slow/" + name).ToString();

    public static async Task<TrickleServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new TrickleServer(app);
        app.MapGet("/slow/{name}", async (HttpContext context) =>
        {
            Interlocked.Increment(ref server._requests);
            context.Response.ContentType = "video/mp4";
            context.Response.ContentLength = DeclaredBytes;
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, server._stop.Token);
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
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stop.Dispose();
    }
}

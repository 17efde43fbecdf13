using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Upres.Service.Tests.Infrastructure;

/// A real Kestrel server on a free loopback port: the other end of a URL in a test (a customer's
/// file host, a webhook receiver). A subclass maps its routes; StartAsync binds and starts it.
public abstract class LoopbackServer : IAsyncDisposable
{
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    protected static async Task<T> StartAsync<T>(T server)
        where T : LoopbackServer
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        server.Map(app);
        await app.StartAsync();
        server._app = app;
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    protected abstract void Map(WebApplication app);

    public virtual async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

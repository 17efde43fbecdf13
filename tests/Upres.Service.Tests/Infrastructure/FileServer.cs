using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Upres.Service.Tests.Infrastructure;

/// A loopback HTTP server that serves files and redirect chains for URL-input tests.
public sealed class FileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly int[] _requests;

    private FileServer(WebApplication app, Uri baseAddress, int[] requests)
    {
        _app = app;
        BaseAddress = baseAddress;
        _requests = requests;
    }

    public Uri BaseAddress { get; }

    /// Requests the server has answered so far.
    public int Requests => Volatile.Read(ref _requests[0]);

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    public static async Task<FileServer> StartAsync(IReadOnlyDictionary<string, string> files)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var requests = new int[1];
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref requests[0]);
            return next(context);
        });
        app.MapGet("/files/{name}", (string name) => files.TryGetValue(name, out var path) ? Results.File(path, "video/mp4") : Results.NotFound());
        // /hops/3/name -> /hops/2/name -> /hops/1/name -> /hops/0/name = the file.
        app.MapGet("/hops/{n:int}/{name}", (int n, string name) => n == 0
            ? (files.TryGetValue(name, out var path) ? Results.File(path, "video/mp4") : Results.NotFound())
            : Results.Redirect($"/hops/{n - 1}/{name}"));
        app.MapGet("/to/{**target}", (string target) => Results.Redirect("http://" + target));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FileServer(app, new Uri(address), requests);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

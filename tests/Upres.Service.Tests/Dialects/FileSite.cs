using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Upres.Service.Tests.Dialects;

/// A real HTTP server on loopback that serves input videos by URL, as a vendor's customer would
/// host them ("a publicly accessible video URL").
public sealed class FileSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _files = new(StringComparer.Ordinal);

    private FileSite(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<FileSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var site = new FileSite(app);
        app.MapGet("/files/{name}", (string name) =>
            site._files.TryGetValue(name, out var path) ? Results.File(path, "video/mp4") : Results.NotFound());
        await app.StartAsync();
        site.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return site;
    }

    /// Publishes a file and returns its URL.
    public string Serve(string path, string? name = null)
    {
        name ??= Path.GetFileName(path);
        _files[name] = path;
        return new Uri(BaseAddress, "/files/" + Uri.EscapeDataString(name)).ToString();
    }

    public string Missing(string name = "gone.mp4") => new Uri(BaseAddress, "/files/" + name).ToString();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
